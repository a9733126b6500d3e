import { and, desc, eq, inArray, isNotNull, isNull, sql, type SQL } from 'drizzle-orm';
import type { NewEvent, SubgraphDatabase, Tx } from '@tunet/kit';
import type { BreachClock } from './breaches.rules';
import { breaches, breachNotices } from './breaches.tables';

export type BreachRow = typeof breaches.$inferSelect;
export type BreachNoticeRow = typeof breachNotices.$inferSelect;
export type BreachPosition = { suspectedAt: string; id: string };

/**
 * The only SQL on the breach register. A breach is the provider's (system scope, operators); each affected
 * association reads and answers its own notice (tenant scope).
 */
export class BreachesRepository {
  constructor(private readonly db: SubgraphDatabase) {}

  record(breach: typeof breaches.$inferInsert, notices: (typeof breachNotices.$inferInsert)[]): Promise<BreachRow> {
    return this.db.system(async (tx) => {
      const [row] = await tx.insert(breaches).values(breach).returning();
      await tx.insert(breachNotices).values(notices);
      return row!;
    });
  }

  async find(id: string): Promise<BreachRow | null> {
    const [row] = await this.db.system((tx) => tx.select().from(breaches).where(eq(breaches.id, id)));
    return row ?? null;
  }

  /** Operators' list, newest suspicion first (`limit + 1` tells whether another page follows). */
  page(limit: number, after: BreachPosition | null): Promise<BreachRow[]> {
    return this.db.system((tx) =>
      tx
        .select()
        .from(breaches)
        .where(after ? sql`(${breaches.suspectedAt}, ${breaches.id}) < (${after.suspectedAt}::timestamptz, ${after.id}::uuid)` : undefined)
        .orderBy(desc(breaches.suspectedAt), desc(breaches.id))
        .limit(limit),
    );
  }

  /** Every association's notice of these breaches (operators). */
  noticesOf(breachIds: readonly string[]): Promise<BreachNoticeRow[]> {
    if (breachIds.length === 0) return Promise.resolve([]);
    return this.db.system((tx) =>
      tx
        .select()
        .from(breachNotices)
        .where(inArray(breachNotices.breachId, [...breachIds])),
    );
  }

  /** The association's notices it has been told of, newest suspicion first. */
  noticesOfAssociation(associationId: string, limit: number, after: BreachPosition | null): Promise<BreachNoticeRow[]> {
    return this.db.tenant(associationId, (tx) =>
      tx
        .select()
        .from(breachNotices)
        .where(
          and(
            isNotNull(breachNotices.notifiedAt),
            after ? sql`(${breachNotices.suspectedAt}, ${breachNotices.breachId}) < (${after.suspectedAt}::timestamptz, ${after.id}::uuid)` : undefined,
          ),
        )
        .orderBy(desc(breachNotices.suspectedAt), desc(breachNotices.breachId))
        .limit(limit),
    );
  }

  /**
   * Marks every untold notice of the breach told at `at`, starting its 72-hour clock, and writes one event per
   * association it told, in one transaction. Conditional on `notified_at is null`, so two operators telling at once
   * tell each association once.
   */
  notify(breachId: string, at: Date, authorityDueAt: Date, event: (notice: BreachNoticeRow) => NewEvent): Promise<BreachNoticeRow[]> {
    return this.db.system(async (tx) => {
      const told = await tx
        .update(breachNotices)
        .set({ notifiedAt: at, authorityDueAt })
        .where(and(eq(breachNotices.breachId, breachId), isNull(breachNotices.notifiedAt)))
        .returning();
      for (const notice of told) await this.db.outbox.add(tx, event(notice));
      return told;
    });
  }

  /** The board's record towards Datatilsynet; null when the notice is not there (or not told yet) or already recorded. */
  recordAuthority(
    associationId: string,
    breachId: string,
    decide: (notice: BreachNoticeRow) => Partial<typeof breachNotices.$inferInsert>,
  ): Promise<{ notice: BreachNoticeRow | null; recorded: boolean }> {
    return this.db.tenant(associationId, async (tx) => {
      const [notice] = await tx
        .select()
        .from(breachNotices)
        .where(and(eq(breachNotices.breachId, breachId), isNotNull(breachNotices.notifiedAt)))
        .for('update');
      if (!notice) return { notice: null, recorded: false };
      if (notice.authorityRecordedAt) return { notice, recorded: false };
      const [updated] = await tx
        .update(breachNotices)
        .set(decide(notice))
        .where(and(eq(breachNotices.associationId, associationId), eq(breachNotices.breachId, breachId)))
        .returning();
      return { notice: updated!, recorded: true };
    });
  }

  /**
   * Marks the clocks that ran out undone as of `now` and writes `breach.clock_overdue` once per clock, in one
   * system transaction; the marks are conditional, so concurrent sweeps announce each clock once.
   */
  sweepOverdue(now: Date, limit: number, event: (due: OverdueClock) => NewEvent): Promise<number> {
    const at = sql`${now.toISOString()}::timestamptz`;
    return this.db.system(async (tx) => {
      const untold = await claim(
        tx,
        limit,
        'notify_association',
        sql`notified_at is null and notify_overdue_at is null and notify_due_at <= ${at}`,
        sql`notify_overdue_at = ${at}`,
      );
      const unreported = await claim(
        tx,
        limit,
        'notify_authority',
        sql`authority_due_at is not null and authority_recorded_at is null and authority_overdue_at is null and authority_due_at <= ${at}`,
        sql`authority_overdue_at = ${at}`,
      );
      for (const due of [...untold, ...unreported]) await this.db.outbox.add(tx, event(due));
      return untold.length + unreported.length;
    });
  }
}

export interface OverdueClock {
  associationId: string;
  breachId: string;
  clock: BreachClock;
  dueAt: Date;
}

// Claims with `for update skip locked` on the sweep's partial indexes, then marks what it claimed.
async function claim(tx: Tx, limit: number, clock: BreachClock, due: SQL, mark: SQL): Promise<OverdueClock[]> {
  const dueColumn = sql.raw(clock === 'notify_association' ? 'notify_due_at' : 'authority_due_at');
  const result = (await tx.execute(sql`
    with due as (
      select association_id, breach_id from privacy.breach_notices where ${due} limit ${limit} for update skip locked
    )
    update privacy.breach_notices n set ${mark}
    from due where n.association_id = due.association_id and n.breach_id = due.breach_id
    returning n.association_id, n.breach_id, n.${dueColumn} as due_at`)) as { rows: { association_id: string; breach_id: string; due_at: string | Date }[] };
  return result.rows.map((row) => ({ associationId: row.association_id, breachId: row.breach_id, clock, dueAt: new Date(row.due_at) }));
}
