import type { SubgraphDatabase } from '@tunet/kit';
import { and, asc, eq, gte, inArray, lt, or, sql } from 'drizzle-orm';
import type { ServiceRequestRow } from '../service-requests/service-requests.repository';
import { serviceRequests, statusChanges, type ServiceRequestStatus } from '../tables';
import type { ExportedRequest } from './reporting-csv.rules';

/**
 * The first time a request's history reached `status` (a reopened request keeps its first resolution). Served by the
 * history's index on (association_id, request_id, seq): a request has a handful of changes.
 */
const firstChangeTo = (status: ServiceRequestStatus) =>
  // Qualified by hand: in a select list drizzle writes a column of the queried table without its table's name, which
  // inside the subquery would name the history's own column.
  sql<Date | null>`(select min(c.at) from ${statusChanges} c where c.association_id = service_requests.association_id and c.request_id = service_requests.id and c.to_status = ${status})`.mapWith(
    statusChanges.at,
  );

/** The only SQL of reporting: reads, in the report's association (row-level security). */
export class ReportingRepository {
  constructor(private readonly db: SubgraphDatabase) {}

  /**
   * The requests reported in [start, end), oldest first, at most `limit` (the caller asks one more to know there are
   * more). The period is read by service_requests_by_time (association_id, created_at desc, id desc).
   */
  reportedBetween(associationId: string, start: Date, end: Date, limit: number): Promise<ExportedRequest[]> {
    return this.db.tenant(associationId, (tx) =>
      tx
        .select({
          id: serviceRequests.id,
          status: serviceRequests.status,
          category: serviceRequests.category,
          urgency: serviceRequests.urgency,
          title: serviceRequests.title,
          locationKind: serviceRequests.locationKind,
          place: serviceRequests.place,
          createdAt: serviceRequests.createdAt,
          firstAcknowledgedAt: firstChangeTo('acknowledged'),
          firstResolvedAt: firstChangeTo('resolved'),
        })
        .from(serviceRequests)
        .where(and(eq(serviceRequests.associationId, associationId), gte(serviceRequests.createdAt, start), lt(serviceRequests.createdAt, end)))
        .orderBy(asc(serviceRequests.createdAt), asc(serviceRequests.id))
        .limit(limit),
    );
  }

  /**
   * Open requests past a deadline at `now`, as deadlines.rules.ts missedDeadline reads them: past the resolution
   * deadline, or NEW past the response deadline; ordered by the deadline missed, the longest overdue first. Reads the
   * association's requests by primary key: its open ones are a few hundred at most.
   */
  overdue(associationId: string, now: Date, limit: number): Promise<ServiceRequestRow[]> {
    const r = serviceRequests;
    const pastResolution = lt(r.resolutionDueAt, now);
    const missed = sql`case when ${r.resolutionDueAt} < ${now.toISOString()}::timestamptz then ${r.resolutionDueAt} else ${r.responseDueAt} end`;
    return this.db.tenant(associationId, (tx) =>
      tx
        .select()
        .from(r)
        .where(
          and(
            eq(r.associationId, associationId),
            inArray(r.status, ['new', 'acknowledged', 'in_progress', 'waiting']),
            or(pastResolution, and(eq(r.status, 'new'), lt(r.responseDueAt, now))),
          ),
        )
        .orderBy(asc(missed), asc(r.id))
        .limit(limit),
    );
  }
}
