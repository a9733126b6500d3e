import { randomUUID } from 'node:crypto';
import { and, asc, desc, eq, inArray, isNull, ne, or, sql, type SQL } from 'drizzle-orm';
import type { Announcement, SubgraphDatabase, Tx } from '@tunet/kit';
import { serviceRequests, statusChanges, type ActorKind, type ServiceRequestStatus } from '../tables';
import { isRequestOverdue } from '../deadlines/deadlines.rules';
import { OPEN_STATUSES } from './service-requests.rules';

export type ServiceRequestRow = typeof serviceRequests.$inferSelect;
export type StatusChangeRow = typeof statusChanges.$inferSelect;
export type NewServiceRequest = Pick<
  ServiceRequestRow,
  | 'associationId'
  | 'reporterMemberId'
  | 'category'
  | 'locationKind'
  | 'unitId'
  | 'buildingId'
  | 'place'
  | 'title'
  | 'description'
  | 'urgency'
  | 'urgentReason'
  | 'visibleToResidents'
>;

/** Who made a change: a member, an operator in a support session, or a job. */
export interface Actor {
  kind: ActorKind;
  memberId: string | null;
}

/** Which requests a list holds: every one of the association, or the reporter's own and those shown to their buildings. */
export type ListScope =
  { kind: 'all' } | { kind: 'mine'; reporterMemberId: string } | { kind: 'visible'; reporterMemberId: string; buildingIds: readonly string[] };

/** A status change the rules accepted, applied to the locked row. */
export interface StatusPatch {
  to: ServiceRequestStatus;
  reason: string | null;
  rejectionReason: string | null;
  timestamps: { acknowledgedAt?: Date; resolvedAt?: Date; closedAt?: Date };
  events: Announcement[];
}

/**
 * The sort key of lists and cursors: overdue first (1), by the rule `ServiceRequest.overdue` reads (deadlines.rules.ts
 * missedDeadline: open and past the resolution deadline, or NEW past the response deadline, at `now`), then newest
 * (decision 0043, addendum "review fixes C"). The cursor carries the instant of the first page (`asOf`), and every
 * later page orders by the flag at that instant: a request that falls overdue while someone pages would otherwise move
 * ahead of the cursor and be on no page at all.
 */
export type ListKey = [0 | 1, string, string, asOf: string];
const OPEN = sql.raw(`(${OPEN_STATUSES.map((status) => `'${status}'`).join(', ')})`);
export const keyOf = (row: ServiceRequestRow, now: Date): ListKey => [
  isRequestOverdue(row, now) ? 1 : 0,
  row.createdAt.toISOString(),
  row.id,
  now.toISOString(),
];
/** The instant a list is ordered at: the first page's, carried by the cursor, or `now` for a first page. */
export const listedAt = (after: ListKey | null, now: Date): Date => (after ? new Date(after[3]) : now);
/** The overdue flag as 1/0 at `now`, the same rule as isRequestOverdue. */
const overdueFlag = (now: Date) => {
  const at = sql`${now.toISOString()}::timestamptz`;
  const r = serviceRequests;
  return sql`(case when ${r.status} in ${OPEN} and (${r.resolutionDueAt} < ${at} or (${r.status} = 'new' and ${r.responseDueAt} < ${at})) then 1 else 0 end)`;
};
/** `order by` overdue first, then newest: for every list of requests. */
export const overdueFirst = (now: Date) => [sql`${overdueFlag(now)} desc`, desc(serviceRequests.createdAt), desc(serviceRequests.id)] as const;
/** The rows after `after` in the order of `overdueFirst`. */
export const afterKey = (after: ListKey, now: Date): SQL =>
  sql`(${overdueFlag(now)}, ${serviceRequests.createdAt}, ${serviceRequests.id}) < (${after[0]}::int, ${after[1]}::timestamptz, ${after[2]}::uuid)`;

function scopeCondition(scope: ListScope): SQL | undefined {
  if (scope.kind === 'all') return undefined;
  // Their own reports, and those linked to a booking they made (decision 0041 addendum "links").
  const own = or(eq(serviceRequests.reporterMemberId, scope.reporterMemberId), eq(serviceRequests.bookerMemberId, scope.reporterMemberId));
  if (scope.kind === 'mine') return own;
  // "Already reported": shown to residents, never about a unit, in one of their buildings or in none.
  const shown = and(
    eq(serviceRequests.visibleToResidents, true),
    ne(serviceRequests.locationKind, 'unit'),
    scope.buildingIds.length > 0
      ? or(isNull(serviceRequests.buildingId), inArray(serviceRequests.buildingId, [...scope.buildingIds]))
      : isNull(serviceRequests.buildingId),
  );
  return or(own, shown);
}

/** The only SQL of service requests. Every read and write runs in the request's association (row-level security). */
export class ServiceRequestsRepository {
  constructor(private readonly db: SubgraphDatabase) {}

  async find(associationId: string, id: string): Promise<ServiceRequestRow | null> {
    const [row] = await this.db.tenant(associationId, (tx) =>
      tx
        .select()
        .from(serviceRequests)
        .where(and(eq(serviceRequests.associationId, associationId), eq(serviceRequests.id, id))),
    );
    return row ?? null;
  }

  /** One page, overdue first then newest, `size + 1` rows so the caller knows whether more follow. */
  list(
    associationId: string,
    scope: ListScope,
    statuses: readonly ServiceRequestStatus[] | null,
    after: ListKey | null,
    size: number,
    now: Date,
  ): Promise<ServiceRequestRow[]> {
    return this.db.tenant(associationId, (tx) =>
      tx
        .select()
        .from(serviceRequests)
        .where(
          and(
            eq(serviceRequests.associationId, associationId),
            scopeCondition(scope),
            statuses ? inArray(serviceRequests.status, [...statuses]) : undefined,
            after ? afterKey(after, now) : undefined,
          ),
        )
        .orderBy(...overdueFirst(now))
        .limit(size + 1),
    );
  }

  /** A request's status changes, oldest first. */
  history(associationId: string, requestId: string): Promise<StatusChangeRow[]> {
    return this.db.tenant(associationId, (tx) =>
      tx
        .select()
        .from(statusChanges)
        .where(and(eq(statusChanges.associationId, associationId), eq(statusChanges.requestId, requestId)))
        .orderBy(asc(statusChanges.seq)),
    );
  }

  /** The status changes of a batch of requests, each request's oldest first, for the loaders. */
  histories(associationId: string, requestIds: readonly string[]): Promise<StatusChangeRow[]> {
    return this.db.tenant(associationId, (tx) =>
      tx
        .select()
        .from(statusChanges)
        .where(and(eq(statusChanges.associationId, associationId), inArray(statusChanges.requestId, [...requestIds])))
        .orderBy(asc(statusChanges.requestId), asc(statusChanges.seq)),
    );
  }

  /** Inserts the report with its first history entry (none → new) and the events `announce` makes of it, in one transaction. */
  report(request: NewServiceRequest, actor: Actor, now: Date, announce: (row: ServiceRequestRow) => Announcement[] = () => []): Promise<ServiceRequestRow> {
    return this.db.tenant(request.associationId, async (tx) => {
      const [row] = await tx
        .insert(serviceRequests)
        .values({ ...request, id: randomUUID(), status: 'new', createdAt: now, updatedAt: now })
        .returning();
      await recordChange(tx, row!, actor, null, 'new', null, now);
      for (const event of announce(row!)) await this.db.outbox.add(tx, { ...event, associationId: request.associationId });
      return row!;
    });
  }

  /**
   * Locks the request, lets `decide` check the change against the row as it is now (it throws to refuse), then applies
   * it with its history entry and events, in one transaction: two changes at once are decided one after the other.
   * Null when there is no such request.
   */
  changeStatus(
    associationId: string,
    id: string,
    actor: Actor,
    decide: (current: ServiceRequestRow) => Promise<StatusPatch> | StatusPatch,
    now: Date,
  ): Promise<ServiceRequestRow | null> {
    return this.db.tenant(associationId, async (tx) => {
      const current = await lock(tx, associationId, id);
      if (!current) return null;
      const patch = await decide(current);
      const [row] = await tx
        .update(serviceRequests)
        .set({ status: patch.to, rejectionReason: patch.rejectionReason, updatedAt: now, ...patch.timestamps })
        .where(and(eq(serviceRequests.associationId, associationId), eq(serviceRequests.id, id)))
        .returning();
      await recordChange(tx, row!, actor, current.status, patch.to, patch.reason, now);
      for (const event of patch.events) await this.db.outbox.add(tx, { ...event, associationId });
      return row!;
    });
  }

  /** Sets whether residents see the request, after `check` accepted the locked row; null when there is none. */
  setVisibility(
    associationId: string,
    id: string,
    visible: boolean,
    check: (current: ServiceRequestRow) => void,
    now: Date,
  ): Promise<ServiceRequestRow | null> {
    return this.db.tenant(associationId, async (tx) => {
      const current = await lock(tx, associationId, id);
      if (!current) return null;
      check(current);
      const [row] = await tx
        .update(serviceRequests)
        .set({ visibleToResidents: visible, updatedAt: now })
        .where(and(eq(serviceRequests.associationId, associationId), eq(serviceRequests.id, id)))
        .returning();
      return row!;
    });
  }
}

async function lock(tx: Tx, associationId: string, id: string): Promise<ServiceRequestRow | undefined> {
  const [row] = await tx
    .select()
    .from(serviceRequests)
    .where(and(eq(serviceRequests.associationId, associationId), eq(serviceRequests.id, id)))
    .for('update');
  return row;
}

async function recordChange(
  tx: Tx,
  row: ServiceRequestRow,
  actor: Actor,
  from: ServiceRequestStatus | null,
  to: ServiceRequestStatus,
  reason: string | null,
  at: Date,
): Promise<void> {
  await tx.insert(statusChanges).values({
    associationId: row.associationId,
    id: randomUUID(),
    requestId: row.id,
    at,
    actorMemberId: actor.memberId,
    actorKind: actor.kind,
    fromStatus: from,
    toStatus: to,
    reason,
  });
}
