import {
  admitMember,
  calendarResponse,
  feedLookupOfPath,
  feedToken,
  newNonce,
  PublicRouteError,
  tokenHash,
  type Event,
  type IcsEvent,
  type PublicResponse,
  type Viewer,
} from '@tunet/kit';
import { z } from 'zod';
import type { EventRow } from '../events/events.repository';
import { canHaveCalendarFeed } from './calendar.access';
import type { CalendarRepository, FeedRow, IssuedFeed } from './calendar.repository';

/** What `Query.calendarFeed` and `resetCalendarFeed` answer. */
export interface CalendarFeed {
  url: string;
  createdAt: Date;
}

/** The members subgraph's events that end a member's feed. */
export const REVOKING_TOPICS = ['member.moved_out', 'member.suspended'] as const;

const DAY = 86_400_000;
/** How far back the feed reaches, so last month's events stay in the calendar apps that show them. */
const FEED_HISTORY_DAYS = 90;
/** A bound on one feed's size; an association arranges tens of events a year. */
const FEED_MAX_EVENTS = 1000;
/** Tunet's associations are Norwegian; calendar apps show the UTC times in their own zone regardless. */
const FEED_TIME_ZONE = 'Europe/Oslo';
/** Posts does not hold the association's name (members does), so the calendar gets a neutral one. */
const FEED_NAME = 'Tunet';

const movedOutPayload = z.object({ memberId: z.guid(), moveOut: z.iso.date() });
const suspendedPayload = z.object({ memberId: z.guid() });

/** Private calendar feeds: a tokenised URL per member, the iCalendar it serves, and its revocation. */
export class CalendarService {
  constructor(
    private readonly repository: CalendarRepository,
    /** The HMAC key of feed tokens (calendar.tokens.ts, kit's feed-tokens.ts). */
    private readonly key: Buffer,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** The viewer's feed, created on first ask. */
  async calendarFeed(viewer: Viewer | null, publicOrigin: string | null | undefined): Promise<CalendarFeed> {
    const member = admitMember(viewer, canHaveCalendarFeed);
    const now = this.now();
    const current = (feed: FeedRow) =>
      feed.tokenHash !== null &&
      (feed.validUntil === null || feed.validUntil > now) &&
      // A rotated key would show a URL that opens nothing; the feed then starts over under the new key.
      tokenHash(this.tokenOf(feed)) === feed.tokenHash;
    return this.issue(member.associationId, member.memberId, current, publicOrigin);
  }

  /** A new URL for the viewer's feed; the old one stops working with this commit. */
  async resetCalendarFeed(viewer: Viewer | null, publicOrigin: string | null | undefined): Promise<CalendarFeed> {
    const member = admitMember(viewer, canHaveCalendarFeed);
    return this.issue(member.associationId, member.memberId, () => false, publicOrigin);
  }

  /**
   * The public route `GET /calendar/<token>.ics`. Whatever does not open a live feed — malformed, reset, revoked,
   * another association's — is the same 404, so a URL reveals nothing about why.
   */
  async feed(path: string): Promise<PublicResponse> {
    const lookup = feedLookupOfPath(path);
    const now = this.now();
    const feed = lookup ? await this.repository.findLiveFeed(lookup.associationId, lookup.hash, now) : null;
    if (!lookup || !feed) throw new PublicRouteError(404, 'No such calendar feed.');
    const rows = await this.repository.eventsEndingAfter(lookup.associationId, new Date(now.getTime() - FEED_HISTORY_DAYS * DAY), FEED_MAX_EVENTS);
    return calendarResponse({ name: FEED_NAME, timeZone: FEED_TIME_ZONE, events: rows.map(toIcsEvent) });
  }

  /**
   * Handles `member.moved_out` (the feed ends with the move-out day, as resident rights do) and `member.suspended`
   * (at once). Repeating an event changes nothing, so redelivery needs no deduplication.
   */
  async revoke(event: Event): Promise<void> {
    if (event.topic === 'member.suspended') {
      const { memberId } = suspendedPayload.parse(event.payload);
      await this.repository.revoke(event.associationId, memberId, event.occurredAt, event.occurredAt);
    } else if (event.topic === 'member.moved_out') {
      const { memberId, moveOut } = movedOutPayload.parse(event.payload);
      await this.repository.revoke(event.associationId, memberId, startOfDayAfter(moveOut, FEED_TIME_ZONE), event.occurredAt);
    }
  }

  private async issue(
    associationId: string,
    memberId: string,
    keep: (feed: FeedRow) => boolean,
    publicOrigin: string | null | undefined,
  ): Promise<CalendarFeed> {
    if (!publicOrigin) throw new Error('the gateway sent no public origin to build the feed URL from');
    const nonce = newNonce();
    const fresh = { nonce, tokenHash: tokenHash(feedToken(this.key, associationId, memberId, nonce)) };
    const feed = await this.repository.issueFeed(associationId, memberId, keep, fresh, this.now());
    return { url: `${publicOrigin.replace(/\/+$/, '')}/calendar/${this.tokenOf(feed)}.ics`, createdAt: feed.issuedAt };
  }

  private tokenOf(feed: FeedRow): string {
    return feedToken(this.key, feed.associationId, feed.memberId, (feed as IssuedFeed).nonce);
  }
}

function toIcsEvent(event: EventRow): IcsEvent {
  const cancelled = event.cancelledAt !== null;
  return {
    uid: `${event.id}@tunet`,
    title: event.title,
    description: cancelled ? `Cancelled: ${event.cancelReason ?? ''}\n\n${event.description}`.trim() : event.description,
    place: event.place,
    startsAt: event.startsAt,
    endsAt: event.endsAt,
    createdAt: event.createdAt,
    revisedAt: event.cancelledAt ?? event.createdAt,
    cancelled,
  };
}

/** The instant the day after `date` (YYYY-MM-DD) begins in `timeZone`: when that day is over there. */
export function startOfDayAfter(date: string, timeZone: string): Date {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  const midnightUtc = Date.UTC(year, month - 1, day + 1);
  // The zone's offset at that moment, then again at the corrected moment, in case a DST change lies between.
  const corrected = midnightUtc - offsetAt(midnightUtc, timeZone);
  return new Date(midnightUtc - offsetAt(corrected, timeZone));
}

/** How far `timeZone` is ahead of UTC at an instant, in milliseconds. */
function offsetAt(instant: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  }).formatToParts(new Date(instant));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const local = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return local - Math.floor(instant / 1000) * 1000;
}
