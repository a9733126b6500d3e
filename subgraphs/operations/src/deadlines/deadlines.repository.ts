import { and, asc, eq, inArray, isNull, lt, or } from 'drizzle-orm';
import type { SubgraphDatabase, Tx } from '@tunet/kit';
import { serviceRequests, type ServiceRequestCategory, type ServiceRequestUrgency } from '../tables';
import type { DeadlineHours } from './deadlines.rules';
import { deadlineSettings, type DeadlineSettingRow } from './deadlines.tables';

const OPEN = ['new', 'acknowledged', 'in_progress', 'waiting'] as const;

/** A request the overdue sweep claimed, with what its event says. */
export interface ClaimedRequest {
  associationId: string;
  requestId: string;
  title: string;
  missed: 'response' | 'resolution';
  dueAt: Date;
  assigneeMemberId: string | null;
}

/**
 * The only SQL of deadlines: the board's settings in its association, and the sweep's two steps across associations
 * (system scope), each claiming rows with `for update skip locked` and changing them with updates conditional on what
 * it read, so sweeps on several replicas at once do each thing once.
 */
export class DeadlinesRepository {
  constructor(private readonly db: SubgraphDatabase) {}

  settings(associationId: string): Promise<DeadlineSettingRow[]> {
    return this.db.tenant(associationId, (tx) => tx.select().from(deadlineSettings).where(eq(deadlineSettings.associationId, associationId)));
  }

  /** Sets the board's hours for a category and urgency (one row per pair, replaced). */
  async set(
    associationId: string,
    key: { category: ServiceRequestCategory; urgency: ServiceRequestUrgency },
    hours: DeadlineHours,
    memberId: string,
    now: Date,
  ): Promise<DeadlineSettingRow> {
    const values = { associationId, ...key, ...hours, updatedByMemberId: memberId, updatedAt: now };
    const [row] = await this.db.tenant(associationId, (tx) =>
      tx
        .insert(deadlineSettings)
        .values(values)
        .onConflictDoUpdate({
          target: [deadlineSettings.associationId, deadlineSettings.category, deadlineSettings.urgency],
          set: { ...hours, updatedByMemberId: memberId, updatedAt: now },
        })
        .returning(),
    );
    return row!;
  }

  /**
   * Stamps the deadlines of up to `limit` requests reported since the last run (service_requests_unstamped), from
   * their association's settings and `stamp` (the rules). Returns how many it stamped.
   */
  stampNew(limit: number, stamp: (row: typeof serviceRequests.$inferSelect, settings: DeadlineSettingRow[]) => { responseDueAt: Date; resolutionDueAt: Date }) {
    return this.db.system(async (tx) => {
      const rows = await tx
        .select()
        .from(serviceRequests)
        .where(isNull(serviceRequests.responseDueAt))
        .orderBy(asc(serviceRequests.createdAt))
        .limit(limit)
        .for('update', { skipLocked: true });
      if (rows.length === 0) return 0;
      const settings = await tx
        .select()
        .from(deadlineSettings)
        .where(inArray(deadlineSettings.associationId, [...new Set(rows.map((row) => row.associationId))]));
      for (const row of rows) {
        const due = stamp(
          row,
          settings.filter((s) => s.associationId === row.associationId),
        );
        await tx
          .update(serviceRequests)
          .set(due)
          .where(and(eq(serviceRequests.associationId, row.associationId), eq(serviceRequests.id, row.id), isNull(serviceRequests.responseDueAt)));
      }
      return rows.length;
    });
  }

  /** The associations with open requests past a deadline that nobody was told about (the sweep asks which are entitled). */
  async overdueAssociations(now: Date): Promise<string[]> {
    const rows = await this.db.system((tx) =>
      tx.selectDistinct({ associationId: serviceRequests.associationId }).from(serviceRequests).where(unclaimedOverdue(now)),
    );
    return rows.map((row) => row.associationId);
  }

  /**
   * Claims up to `limit` open requests past a deadline that nobody was told about, and writes one
   * `service_request.overdue` event for each in the same transaction, in `associationIds` only (those with the
   * operations center; the others' rows stay unclaimed, told when the add-on is back). The claim is the conditional update itself
   * (`overdue_notified_at` set only where it is still null): each request is told once across replicas.
   */
  claimOverdue(now: Date, limit: number, associationIds: readonly string[]): Promise<ClaimedRequest[]> {
    if (associationIds.length === 0) return Promise.resolve([]);
    return this.db.system(async (tx) => {
      const r = serviceRequests;
      const overdue = and(unclaimedOverdue(now), inArray(r.associationId, [...associationIds]));
      const due = tx.select({ id: r.id }).from(r).where(overdue).orderBy(asc(r.resolutionDueAt)).limit(limit).for('update', { skipLocked: true });
      const claimed = await tx
        .update(r)
        .set({ overdueNotifiedAt: now })
        .where(and(inArray(r.id, due), overdue))
        .returning();
      const result: ClaimedRequest[] = [];
      for (const row of claimed) result.push(await announce(tx, this.db, row, now));
      return result;
    });
  }
}

/** Open, past a deadline as the sweep reads it, and nobody told yet. */
function unclaimedOverdue(now: Date) {
  const r = serviceRequests;
  return and(isNull(r.overdueNotifiedAt), inArray(r.status, [...OPEN]), or(lt(r.resolutionDueAt, now), and(eq(r.status, 'new'), lt(r.responseDueAt, now))));
}

async function announce(tx: Tx, db: SubgraphDatabase, row: typeof serviceRequests.$inferSelect, now: Date): Promise<ClaimedRequest> {
  const missed = row.resolutionDueAt && row.resolutionDueAt < now ? 'resolution' : 'response';
  const dueAt = (missed === 'resolution' ? row.resolutionDueAt : row.responseDueAt)!;
  const payload = {
    requestId: row.id,
    title: row.title,
    category: row.category,
    urgency: row.urgency,
    missed,
    dueAt: dueAt.toISOString(),
    assigneeMemberId: row.assigneeMemberId,
  } as const;
  await db.outbox.add(tx, { topic: 'service_request.overdue', associationId: row.associationId, payload });
  return { associationId: row.associationId, requestId: row.id, title: row.title, missed, dueAt, assigneeMemberId: row.assigneeMemberId };
}
