import {
  admitMember,
  DEFAULT_FEED_TIME_ZONE,
  type CalendarFeeds,
  type CalendarFeedUrl,
  type Event,
  type IcsCalendar,
  type IcsEvent,
  type OpenedFeed,
  type PublicResponse,
  type Viewer,
} from '@tunet/kit';
import type { EventRow } from '../events/events.repository';
import { canHaveCalendarFeed } from './calendar.access';
import type { CalendarRepository } from './calendar.repository';

/** What `Query.calendarFeed` and `resetCalendarFeed` answer. */
export type CalendarFeed = CalendarFeedUrl;

/** A bound on one feed's size; an association arranges tens of events a year. */
const FEED_MAX_EVENTS = 1000;
/** Posts does not hold the association's name (members does), so the calendar gets a neutral one. */
const FEED_NAME = 'Tunet';
/** Posts has one feed per member: of all the association's events. */
const ALL_EVENTS = '';

/**
 * Private calendar feeds of the association's events: a tokenised URL per member (the kit's CalendarFeeds, which
 * also ends it on a reset, move-out or suspension) and what it shows.
 */
export class CalendarService {
  constructor(
    private readonly repository: CalendarRepository,
    private readonly feeds: CalendarFeeds,
  ) {}

  /** The viewer's feed, created on first ask. */
  async calendarFeed(viewer: Viewer | null, publicOrigin: string | null | undefined): Promise<CalendarFeed> {
    return this.feeds.show(admitMember(viewer, canHaveCalendarFeed), ALL_EVENTS, publicOrigin);
  }

  /** A new URL for the viewer's feed; the old one stops working with this commit. */
  async resetCalendarFeed(viewer: Viewer | null, publicOrigin: string | null | undefined): Promise<CalendarFeed> {
    return this.feeds.reset(admitMember(viewer, canHaveCalendarFeed), ALL_EVENTS, publicOrigin);
  }

  /** The public route `GET /calendar/<token>.ics`. */
  feed(path: string): Promise<PublicResponse> {
    return this.feeds.serve(path, (feed, window) => this.eventsOf(feed, window.since));
  }

  /**
   * Ends feeds for `member.moved_out` and `member.suspended`. The move-out day ends in the association's zone the
   * event carries; events from before it did end it in the default zone (decision 0028).
   */
  revoke(event: Event): Promise<void> {
    return this.feeds.revokeFor(event, DEFAULT_FEED_TIME_ZONE);
  }

  private async eventsOf(feed: OpenedFeed, since: Date): Promise<IcsCalendar> {
    const rows = await this.repository.eventsEndingAfter(feed.associationId, since, FEED_MAX_EVENTS);
    return { name: FEED_NAME, timeZone: DEFAULT_FEED_TIME_ZONE, events: rows.map(toIcsEvent) };
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
