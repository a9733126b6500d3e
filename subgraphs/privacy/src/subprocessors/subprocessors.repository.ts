import { desc, eq, sql } from 'drizzle-orm';
import type { NewEvent, SubgraphDatabase, Tx } from '@tunet/kit';
import { subprocessorChanges, subprocessorObjections } from './subprocessors.tables';

export type SubprocessorChangeRow = typeof subprocessorChanges.$inferSelect;
export type SubprocessorObjectionRow = typeof subprocessorObjections.$inferSelect;
export type ChangePosition = { announcedAt: string; id: string };

/**
 * The only SQL on the sub-processor register. The register is platform-wide: everyone reads it, only the operators'
 * system scope writes it; objections are each association's own (tenant scope), read across associations only by
 * operators (system scope).
 */
export class SubprocessorsRepository {
  constructor(private readonly db: SubgraphDatabase) {}

  /** Every version ever announced: the register in force is folded from it (a few dozen rows for years). */
  history(): Promise<SubprocessorChangeRow[]> {
    return this.db.system((tx) => tx.select().from(subprocessorChanges));
  }

  /** One page of the history, newest announcement first (`limit + 1` tells whether another follows). */
  page(limit: number, after: ChangePosition | null): Promise<SubprocessorChangeRow[]> {
    return this.db.system((tx) =>
      tx
        .select()
        .from(subprocessorChanges)
        .where(
          after ? sql`(${subprocessorChanges.announcedAt}, ${subprocessorChanges.id}) < (${after.announcedAt}::timestamptz, ${after.id}::uuid)` : undefined,
        )
        .orderBy(desc(subprocessorChanges.announcedAt), desc(subprocessorChanges.id))
        .limit(limit),
    );
  }

  async find(id: string): Promise<SubprocessorChangeRow | null> {
    const [row] = await this.db.system((tx) => tx.select().from(subprocessorChanges).where(eq(subprocessorChanges.id, id)));
    return row ?? null;
  }

  /**
   * Appends a version and writes one event per association in one system transaction; a transaction-scoped advisory
   * lock on the sub-processor makes two announcements for it take turns, so each builds on the other's version.
   */
  announce(
    subprocessorId: string,
    build: (latest: SubprocessorChangeRow | null) => typeof subprocessorChanges.$inferInsert,
    events: (row: SubprocessorChangeRow) => NewEvent[],
  ): Promise<SubprocessorChangeRow> {
    return this.db.system(async (tx) => {
      await tx.execute(sql`select pg_advisory_xact_lock(hashtext('privacy.subprocessor'), hashtext(${subprocessorId}))`);
      const [latest] = await tx
        .select()
        .from(subprocessorChanges)
        .where(eq(subprocessorChanges.subprocessorId, subprocessorId))
        .orderBy(desc(subprocessorChanges.effectiveOn), desc(subprocessorChanges.announcedAt))
        .limit(1);
      const [row] = await tx
        .insert(subprocessorChanges)
        .values(build(latest ?? null))
        .returning();
      for (const event of events(row!)) await this.db.outbox.add(tx, event);
      return row!;
    });
  }

  /** The association's objection; a second one for the same change violates `subprocessor_objections_association_id_change_id_key`. */
  async object(row: typeof subprocessorObjections.$inferInsert): Promise<SubprocessorObjectionRow> {
    return this.db.tenant(row.associationId, async (tx) => {
      const [inserted] = await tx.insert(subprocessorObjections).values(row).returning();
      return inserted!;
    });
  }

  objectionsOf(changeId: string, associationId: string | null): Promise<SubprocessorObjectionRow[]> {
    const query = (tx: Tx) =>
      tx.select().from(subprocessorObjections).where(eq(subprocessorObjections.changeId, changeId)).orderBy(subprocessorObjections.objectedAt);
    return associationId ? this.db.tenant(associationId, query) : this.db.system(query);
  }
}
