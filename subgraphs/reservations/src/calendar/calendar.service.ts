import {
  admitMember,
  calendarResponse,
  feedLookupOfPath,
  feedToken,
  newNonce,
  notFound,
  parseInput,
  PublicRouteError,
  tokenHash,
  type IcsEvent,
  type MemberViewer,
  type PublicResponse,
  type Viewer,
} from '@tunet/kit';
import { z } from 'zod';
import { canHaveBookingsCalendar } from './calendar.access';
import type { CalendarRepository, FeedBooking, FeedRow } from './calendar.repository';

/** What `Query.myBookingsCalendar`, `Query.resourceCalendar` and `resetBookingsCalendar` answer. */
export interface BookingCalendarFeed {
  url: string;
  createdAt: Date;
}

const DAY = 86_400_000;
/** How far back a feed reaches, so last month's bookings stay in the calendar apps that show them. */
const FEED_HISTORY_DAYS = 90;
/** A bound on one feed's size: a busy laundry room has a few hundred bookings in that window. */
const FEED_MAX_BOOKINGS = 2000;
/** A person's bookings span resources; Tunet's associations are Norwegian. Apps show UTC times in their own zone. */
const PERSON_FEED_TIME_ZONE = 'Europe/Oslo';
const PERSON_FEED_NAME = 'Tunet: mine bookinger';
/** What a resource feed says of every booking: who booked is not the business of everyone with the URL. */
const TAKEN = 'Opptatt';

const resetInput = z.object({ resourceId: z.guid().nullish() });

/** Private iCalendar feeds of bookings: a tokenised URL per member and per member and resource, and what it serves. */
export class CalendarService {
  constructor(
    private readonly repository: CalendarRepository,
    /** The HMAC key of feed tokens (kit's feed-tokens.ts), derived from the internal secret in subgraph.ts. */
    private readonly key: Buffer,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** The viewer's feed of their own bookings, created on first ask. */
  async myBookingsCalendar(viewer: Viewer | null, publicOrigin: string | null | undefined): Promise<BookingCalendarFeed> {
    const member = admitMember(viewer, canHaveBookingsCalendar);
    return this.issue(member, null, (feed) => this.current(feed), publicOrigin);
  }

  /** The viewer's feed of a resource of their association, created on first ask; NOT_FOUND for any other id. */
  async resourceCalendar(viewer: Viewer | null, resourceId: string, publicOrigin: string | null | undefined): Promise<BookingCalendarFeed> {
    const member = admitMember(viewer, canHaveBookingsCalendar);
    await this.requireResource(member.associationId, resourceId);
    return this.issue(member, resourceId, (feed) => this.current(feed), publicOrigin);
  }

  /** A new URL for the viewer's own feed (no resource) or resource feed; the old one stops working with this commit. */
  async resetBookingsCalendar(viewer: Viewer | null, raw: unknown, publicOrigin: string | null | undefined): Promise<BookingCalendarFeed> {
    const member = admitMember(viewer, canHaveBookingsCalendar);
    const { resourceId = null } = parseInput(resetInput, raw ?? {});
    if (resourceId) await this.requireResource(member.associationId, resourceId);
    return this.issue(member, resourceId, () => false, publicOrigin);
  }

  /**
   * The public route `GET /bookings-calendar/<token>.ics`. Whatever does not open a live feed — malformed, reset,
   * revoked, another association's — is the same 404, so a URL reveals nothing about why.
   */
  async feed(path: string): Promise<PublicResponse> {
    const lookup = feedLookupOfPath(path);
    const now = this.now();
    const feed = lookup ? await this.repository.findLiveFeed(lookup.associationId, lookup.hash, now) : null;
    if (!lookup || !feed) throw new PublicRouteError(404, 'No such calendar feed.');
    const since = new Date(now.getTime() - FEED_HISTORY_DAYS * DAY);
    const calendar = feed.resourceId ? await this.resourceFeed(lookup.associationId, feed.resourceId, since) : await this.personFeed(feed, since);
    return calendarResponse(calendar);
  }

  private async personFeed(feed: FeedRow, since: Date) {
    const rows = await this.repository.bookingsOfMember(feed.associationId, feed.memberId, since, FEED_MAX_BOOKINGS);
    return { name: PERSON_FEED_NAME, timeZone: PERSON_FEED_TIME_ZONE, events: rows.map(ownBooking) };
  }

  private async resourceFeed(associationId: string, resourceId: string, since: Date) {
    const resource = await this.repository.findResource(associationId, resourceId);
    if (!resource) throw new PublicRouteError(404, 'No such calendar feed.');
    const rows = await this.repository.bookingsOfResource(associationId, resourceId, since, FEED_MAX_BOOKINGS);
    return { name: resource.name, timeZone: resource.timeZone, events: rows.map(anonymousBooking) };
  }

  private async requireResource(associationId: string, resourceId: string): Promise<void> {
    if (!(await this.repository.findResource(associationId, resourceId))) throw notFound('Resource');
  }

  /**
   * The member's feeds stop working at `at` (the end of their move-out day): they show bookings of an association
   * the member has left. Repeating it changes nothing.
   */
  revokeFeeds(associationId: string, memberId: string, at: Date): Promise<void> {
    return this.repository.revokeFeeds(associationId, memberId, at);
  }

  /** A rotated key would show a URL that opens nothing; the feed then starts over under the new key. */
  private current(feed: FeedRow): boolean {
    const live = feed.revokedAt === null || feed.revokedAt > this.now();
    return live && tokenHash(this.tokenOf(feed)) === feed.tokenHash;
  }

  private async issue(
    member: MemberViewer,
    resourceId: string | null,
    keep: (feed: FeedRow) => boolean,
    publicOrigin: string | null | undefined,
  ): Promise<BookingCalendarFeed> {
    if (!publicOrigin) throw new Error('the gateway sent no public origin to build the feed URL from');
    const nonce = newNonce();
    const token = feedToken(this.key, member.associationId, subjectOf(member.memberId, resourceId), nonce);
    const feed = await this.repository.issueFeed(member.associationId, member.memberId, resourceId, keep, { nonce, tokenHash: tokenHash(token) });
    return { url: `${publicOrigin.replace(/\/+$/, '')}/bookings-calendar/${this.tokenOf(feed)}.ics`, createdAt: feed.createdAt };
  }

  private tokenOf(feed: FeedRow): string {
    return feedToken(this.key, feed.associationId, subjectOf(feed.memberId, feed.resourceId), feed.nonce);
  }
}

/** What a token's HMAC covers besides the association and nonce: whose feed, and of what. */
function subjectOf(memberId: string, resourceId: string | null): string {
  return resourceId ? `${memberId}:${resourceId}` : memberId;
}

/** A booking in its booker's own feed: the resource's name, their comment, and whether the board still decides. */
function ownBooking(booking: FeedBooking): IcsEvent {
  const pending = booking.status === 'pending';
  return {
    uid: `${booking.id}@tunet`,
    title: pending ? `${booking.resourceName} (venter på godkjenning)` : booking.resourceName,
    description: booking.comment ?? '',
    place: booking.resourceName,
    startsAt: booking.during.start,
    endsAt: booking.during.end,
    createdAt: booking.createdAt,
    revisedAt: booking.decidedAt ?? booking.createdAt,
    cancelled: false,
  };
}

/** A booking in a resource's feed: only that the time is taken, never by whom or why. */
function anonymousBooking(booking: FeedBooking): IcsEvent {
  return {
    uid: `${booking.id}@tunet`,
    title: TAKEN,
    description: '',
    place: booking.resourceName,
    startsAt: booking.during.start,
    endsAt: booking.during.end,
    createdAt: booking.createdAt,
    revisedAt: booking.decidedAt ?? booking.createdAt,
    cancelled: false,
  };
}
