import type { SubgraphDatabase } from '@tunet/kit';
import { and, eq, inArray, sql } from 'drizzle-orm';
import { bookings, closedPeriods, openingHours, resources, type TimeRange } from '../tables';
import type { ClosedPeriodRow, OpeningHoursRow } from './schedule';

export type ScheduledResourceRow = typeof resources.$inferSelect;

/** Everything availability is computed from, for one resource and window. */
export interface ScheduleSnapshot {
  resource: ScheduledResourceRow;
  hours: OpeningHoursRow[];
  closed: ClosedPeriodRow[];
  /** The `blocked` ranges (time plus buffer) of the live bookings that reach into the window. */
  blocked: TimeRange[];
  /** Those bookings, with whose they are, for the grid's MINE and TAKEN. */
  bookings: LiveBookingRow[];
}

export type LiveBookingRow = Pick<typeof bookings.$inferSelect, 'id' | 'bookerMemberId' | 'unitId' | 'during' | 'blocked'>;

/** Reads a resource's schedule and bookings for availability. Every call names its tenant. */
export class ScheduleRepository {
  constructor(private readonly db: SubgraphDatabase) {}

  /**
   * The resource, its opening hours, its closed periods and its live bookings' blocked ranges overlapping the
   * window that `windowOf` derives from the resource (its time zone decides where the dates start), in one
   * transaction so they agree with each other. Null when the resource does not exist in the tenant.
   * Bookings are read a little past the window's end: the last night or slot starting in the window ends after
   * it, and its own buffer reaches further still.
   */
  snapshot(tenant: string, resourceId: string, windowOf: (resource: ScheduledResourceRow) => TimeRange): Promise<ScheduleSnapshot | null> {
    return this.db.tenant(tenant, async (tx) => {
      const [resource] = await tx
        .select()
        .from(resources)
        .where(and(eq(resources.associationId, tenant), eq(resources.id, resourceId)));
      if (!resource) return null;
      const window = windowOf(resource);
      const reachEnd = new Date(window.end.getTime() + 2 * 86_400_000 + resource.bufferMinutes * 60_000);
      const reach = `[${window.start.toISOString()},${reachEnd.toISOString()})`;
      const hours = await tx
        .select({ weekday: openingHours.weekday, opens: openingHours.opens, closes: openingHours.closes })
        .from(openingHours)
        .where(and(eq(openingHours.associationId, tenant), eq(openingHours.resourceId, resourceId)));
      const closed = await tx
        .select({ during: closedPeriods.during, reason: closedPeriods.reason })
        .from(closedPeriods)
        .where(and(eq(closedPeriods.associationId, tenant), eq(closedPeriods.resourceId, resourceId), sql`${closedPeriods.during} && ${reach}::tstzrange`));
      // Served by the exclusion constraint's index on (association_id, resource_id, blocked) for live bookings.
      const live = await tx
        .select({ id: bookings.id, bookerMemberId: bookings.bookerMemberId, unitId: bookings.unitId, during: bookings.during, blocked: bookings.blocked })
        .from(bookings)
        .where(
          and(
            eq(bookings.associationId, tenant),
            eq(bookings.resourceId, resourceId),
            inArray(bookings.status, ['pending', 'confirmed']),
            sql`${bookings.blocked} && ${reach}::tstzrange`,
          ),
        );
      return { resource, hours, closed, blocked: live.map((row) => row.blocked), bookings: live };
    });
  }
}
