import { CalendarFeedStore, type FeedRow, type IssuedFeedRow } from './calendar-feed-store';
import type { SubgraphDatabase } from './database';
import { payloadFieldsOf } from './events/event-subscriber';
import type { Event } from './events/outbox';
import { feedLookupOfPath, feedToken, newNonce, tokenHash } from './feed-tokens';
import { calendarResponse, type IcsCalendar } from './icalendar';
import { PublicRouteError, type PublicResponse } from './public-routes';

/**
 * The lifecycle of private calendar feeds (decision 0028), the same for every subgraph that serves one: a URL per
 * member and `about`, created on the first ask and shown again until reset; the public route
 * `GET /<route>/<token>.ics`; and the end of every feed of a member who moves out or is suspended. A subgraph
 * supplies only what a feed shows.
 */

/** What `Query.calendarFeed` and its kin answer. */
export interface CalendarFeedUrl {
  url: string;
  createdAt: Date;
}

/** A live feed the public route found: whose, and of what. */
export interface OpenedFeed {
  associationId: string;
  memberId: string;
  /** '' for the member's own feed, else the id of what it shows (a resource). */
  about: string;
}

/** What a feed shows: its calendar, or null when what it was about is gone (the route then answers 404). */
export type FeedContents = (feed: OpenedFeed, window: { since: Date }) => Promise<IcsCalendar | null>;

/** The members subgraph's events that end a member's feeds. */
export const FEED_REVOKING_TOPICS = ['member.moved_out', 'member.suspended'] as const;

/**
 * The zone of a feed whose subgraph cannot know its association's own (posts: the association's zone is the
 * members subgraph's, and asking it on every fetch is a call a feed should not depend on). Calendar apps show the
 * UTC times in their own zone regardless; the zone names the calendar and ends a move-out day.
 */
export const DEFAULT_FEED_TIME_ZONE = 'Europe/Oslo';

const DAY = 86_400_000;
/** How far back a feed reaches, so last month's events stay in the calendar apps that show them. */
const FEED_HISTORY_DAYS = 90;

export interface CalendarFeedsOptions {
  /** The HMAC key of the tokens (feed-tokens.ts), one per subgraph purpose; changing it retires URLs as members next ask. */
  key: Buffer;
  /** The public route's prefix: URLs are `<origin>/<route>/<token>.ics`. */
  route: string;
  now?: () => Date;
}

export class CalendarFeeds {
  private readonly store: CalendarFeedStore;
  private readonly now: () => Date;

  constructor(
    db: SubgraphDatabase,
    private readonly options: CalendarFeedsOptions,
  ) {
    this.store = new CalendarFeedStore(db);
    this.now = options.now ?? (() => new Date());
  }

  /** The member's feed of `about`, created on the first ask; the same URL on every later ask until reset. */
  show(member: { associationId: string; memberId: string }, about: string, publicOrigin: string | null | undefined): Promise<CalendarFeedUrl> {
    const now = this.now();
    const current = (feed: FeedRow) =>
      feed.tokenHash !== null &&
      (feed.validUntil === null || feed.validUntil > now) &&
      // A rotated key would show a URL that opens nothing; the feed then starts over under the new key.
      tokenHash(this.tokenOf(feed as IssuedFeedRow)) === feed.tokenHash;
    return this.issue(member, about, current, publicOrigin);
  }

  /** A new URL for the member's feed of `about`; the old one stops working with this commit. */
  reset(member: { associationId: string; memberId: string }, about: string, publicOrigin: string | null | undefined): Promise<CalendarFeedUrl> {
    return this.issue(member, about, () => false, publicOrigin);
  }

  /**
   * Ends the member's feeds for `member.suspended` (at once) and `member.moved_out` (when the move-out day is over
   * in the association's zone the event names, or in `timeZone` for events from before it did, as resident rights end); other topics change nothing. Repeating an event changes nothing, so
   * redelivery needs no deduplication.
   */
  async revokeFor(event: Event, timeZone: string): Promise<void> {
    if (event.topic === 'member.suspended') {
      const { memberId } = payloadFieldsOf(event, 'member.suspended', ['memberId']);
      await this.store.revoke(event.associationId, memberId, event.occurredAt, event.occurredAt);
    } else if (event.topic === 'member.moved_out') {
      const moved = payloadFieldsOf(event, 'member.moved_out', ['memberId', 'moveOut', 'timeZone']);
      await this.store.revoke(event.associationId, moved.memberId, endOfDayIn(moved.moveOut, moved.timeZone ?? timeZone), event.occurredAt);
    }
  }

  /**
   * The public route's answer for `path` (`/<token>.ics`). Whatever does not open a live feed — malformed, reset,
   * revoked, another association's, about something gone — is the same 404, so a URL reveals nothing about why.
   */
  async serve(path: string, contents: FeedContents): Promise<PublicResponse> {
    const lookup = feedLookupOfPath(path);
    const now = this.now();
    const feed = lookup ? await this.store.findLive(lookup.associationId, lookup.hash, now) : null;
    const calendar = feed ? await contents(feed, { since: new Date(now.getTime() - FEED_HISTORY_DAYS * DAY) }) : null;
    if (!calendar) throw new PublicRouteError(404, 'No such calendar feed.');
    return calendarResponse(calendar);
  }

  private async issue(
    member: { associationId: string; memberId: string },
    about: string,
    keep: (feed: FeedRow) => boolean,
    publicOrigin: string | null | undefined,
  ): Promise<CalendarFeedUrl> {
    if (!publicOrigin) throw new Error('the gateway sent no public origin to build the feed URL from');
    const { associationId, memberId } = member;
    const nonce = newNonce();
    const fresh = { nonce, tokenHash: tokenHash(feedToken(this.options.key, associationId, subjectOf(memberId, about), nonce)) };
    const feed = await this.store.issue(associationId, memberId, about, keep, fresh, this.now());
    return { url: `${publicOrigin.replace(/\/+$/, '')}/${this.options.route}/${this.tokenOf(feed)}.ics`, createdAt: feed.issuedAt };
  }

  private tokenOf(feed: IssuedFeedRow): string {
    return feedToken(this.options.key, feed.associationId, subjectOf(feed.memberId, feed.about), feed.nonce);
  }
}

/** What a token's HMAC covers besides the association and nonce; the form both subgraphs' tokens had before 0028. */
function subjectOf(memberId: string, about: string): string {
  return about ? `${memberId}:${about}` : memberId;
}

/** The instant the day after `date` (YYYY-MM-DD) begins in `timeZone`: when that day is over there. */
export function endOfDayIn(date: string, timeZone: string): Date {
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
