import {
  admitMember,
  DEFAULT_FEED_TIME_ZONE,
  notFound,
  parseInput,
  type CalendarFeeds,
  type CalendarFeedUrl,
  type Event,
  type IcsCalendar,
  type IcsEvent,
  type OpenedFeed,
  type PublicResponse,
  type Viewer,
} from '@tunet/kit';
import { z } from 'zod';
import { canHaveBookingsCalendar } from './calendar.access';
import type { CalendarRepository, FeedBooking } from './calendar.repository';

/** What `Query.myBookingsCalendar`, `Query.resourceCalendar` and `resetBookingsCalendar` answer. */
export type BookingCalendarFeed = CalendarFeedUrl;

/** A bound on one feed's size: a busy laundry room has a few hundred bookings in that window. */
const FEED_MAX_BOOKINGS = 2000;
const PERSON_FEED_NAME = 'Tunet: mine bookinger';
/** What a resource feed says of every booking: who booked is not the business of everyone with the URL. */
const TAKEN = 'Opptatt';
/** The `about` of a member's feed of their own bookings; a resource feed's is the resource's id. */
const OWN_BOOKINGS = '';

const resetInput = z.object({ resourceId: z.guid().nullish() });

/**
 * Private iCalendar feeds of bookings: a tokenised URL per member and per member and resource (the kit's
 * CalendarFeeds, which also ends them on a reset, move-out or suspension) and what each shows.
 */
export class CalendarService {
  constructor(
    private readonly repository: CalendarRepository,
    private readonly feeds: CalendarFeeds,
  ) {}

  /** The viewer's feed of their own bookings, created on first ask. */
  async myBookingsCalendar(viewer: Viewer | null, publicOrigin: string | null | undefined): Promise<BookingCalendarFeed> {
    return this.feeds.show(admitMember(viewer, canHaveBookingsCalendar), OWN_BOOKINGS, publicOrigin);
  }

  /** The viewer's feed of a resource of their association, created on first ask; NOT_FOUND for any other id. */
  async resourceCalendar(viewer: Viewer | null, resourceId: string, publicOrigin: string | null | undefined): Promise<BookingCalendarFeed> {
    const member = admitMember(viewer, canHaveBookingsCalendar);
    await this.requireResource(member.associationId, resourceId);
    return this.feeds.show(member, resourceId, publicOrigin);
  }

  /** A new URL for the viewer's own feed (no resource) or resource feed; the old one stops working with this commit. */
  async resetBookingsCalendar(viewer: Viewer | null, raw: unknown, publicOrigin: string | null | undefined): Promise<BookingCalendarFeed> {
    const member = admitMember(viewer, canHaveBookingsCalendar);
    const { resourceId = null } = parseInput(resetInput, raw ?? {});
    if (resourceId) await this.requireResource(member.associationId, resourceId);
    return this.feeds.reset(member, resourceId ?? OWN_BOOKINGS, publicOrigin);
  }

  /** The public route `GET /bookings-calendar/<token>.ics`. */
  feed(path: string): Promise<PublicResponse> {
    return this.feeds.serve(path, (feed, window) =>
      feed.about === OWN_BOOKINGS ? this.personFeed(feed, window.since) : this.resourceFeed(feed, window.since),
    );
  }

  /**
   * Ends the member's feeds for `member.moved_out` (when the move-out day is over in the association's zone) and
   * `member.suspended` (at once): they show bookings of an association the member has left or may not use.
   */
  async revoke(event: Event): Promise<void> {
    await this.feeds.revokeFor(event, await this.timeZoneOf(event.associationId));
  }

  private async personFeed(feed: OpenedFeed, since: Date): Promise<IcsCalendar> {
    const rows = await this.repository.bookingsOfMember(feed.associationId, feed.memberId, since, FEED_MAX_BOOKINGS);
    return { name: PERSON_FEED_NAME, timeZone: await this.timeZoneOf(feed.associationId), events: rows.map(ownBooking) };
  }

  private async resourceFeed(feed: OpenedFeed, since: Date): Promise<IcsCalendar | null> {
    const resource = await this.repository.findResource(feed.associationId, feed.about);
    if (!resource) return null;
    const rows = await this.repository.bookingsOfResource(feed.associationId, resource.id, since, FEED_MAX_BOOKINGS);
    return { name: resource.name, timeZone: resource.timeZone, events: rows.map(anonymousBooking) };
  }

  /** A person's bookings span resources: the association's zone, as its resources give it. */
  private async timeZoneOf(associationId: string): Promise<string> {
    return (await this.repository.timeZoneOf(associationId)) ?? DEFAULT_FEED_TIME_ZONE;
  }

  private async requireResource(associationId: string, resourceId: string): Promise<void> {
    if (!(await this.repository.findResource(associationId, resourceId))) throw notFound('Resource');
  }
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
