import { admitMember, isUuid, notFound, parseInput, type MemberViewer, type Viewer } from '@tunet/kit';
import { DateTime } from 'luxon';
import { z } from 'zod';
import { canReadResources } from '../resources/resources.access';
import type { TimeRange } from '../tables';
import { freeTimes, windowOfDates } from './availability';
import type { LiveBookingRow, ScheduledResourceRow, ScheduleRepository } from './schedule.repository';
import { slotGrid, type GridBooking, type GridSlot } from './slot-states.rules';

/** A month view with a few days of the neighbouring months fits; longer spans cost more than any screen shows. */
export const MAX_AVAILABILITY_DAYS = 62;

const availabilityInput = z.object({ resourceId: z.string(), from: z.iso.date(), to: z.iso.date() }).superRefine((input, ctx) => {
  const days = DateTime.fromISO(input.to).diff(DateTime.fromISO(input.from), 'days').days + 1;
  if (days < 1) ctx.addIssue({ code: 'custom', path: ['to'], message: 'must not be before from' });
  if (days > MAX_AVAILABILITY_DAYS) ctx.addIssue({ code: 'custom', path: ['to'], message: `at most ${MAX_AVAILABILITY_DAYS} days after from` });
});

export interface AvailabilityView {
  resource: ScheduledResourceRow;
  from: string;
  to: string;
  free: TimeRange[];
  /** Every slot's state, worked out only when a client asks for `slots`. */
  grid: () => GridSlot[];
}

/** A booking is the viewer's when they made it or it counts against one of their households; only their own is linked. */
function gridBooking(viewer: MemberViewer, booking: LiveBookingRow): GridBooking {
  const own = booking.bookerMemberId === viewer.memberId;
  const household = booking.unitId !== null && (viewer.scope?.unitIds ?? []).includes(booking.unitId);
  return { during: booking.during, blocked: booking.blocked, mine: own || household, ownId: own ? booking.id : null };
}

/** When resources can be booked. */
export class ScheduleService {
  constructor(
    private readonly repository: ScheduleRepository,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /**
   * What of the resource is free from `from` to `to` (local dates in its time zone, both included): one
   * transaction reads the schedule and the live bookings, and the rest is computed in memory. An archived resource
   * takes no bookings, so nothing of it is free.
   */
  async availability(viewer: Viewer | null, rawInput: unknown): Promise<AvailabilityView> {
    const reader = admitMember(viewer, canReadResources);
    const { resourceId, from, to } = parseInput(availabilityInput, rawInput);
    if (!isUuid(resourceId)) throw notFound('Resource');
    const snapshot = await this.repository.snapshot(reader.associationId, resourceId, (resource) => windowOfDates(from, to, resource.timeZone));
    if (!snapshot) throw notFound('Resource');
    const { resource, hours, closed, blocked } = snapshot;
    const window = windowOfDates(from, to, resource.timeZone);
    const now = this.now();
    const archived = resource.archivedAt !== null;
    const bookings = snapshot.bookings.map((booking) => gridBooking(reader, booking));
    const grid = () => slotGrid({ resource, hours, closed, bookings, window, now, archived });
    return { resource, from, to, free: archived ? [] : freeTimes({ resource, hours, closed, blocked, window, now }), grid };
  }
}
