import { refusedAs, type Announcement, type SubgraphDatabase } from '@tunet/kit';
import { and, asc, desc, eq, ne } from 'drizzle-orm';
import { associations, termsAcceptances, termsVersions } from '../tables';

export type TermsVersionRow = typeof termsVersions.$inferSelect;
export type NewTermsVersion = typeof termsVersions.$inferInsert;
export type TermsAcceptanceRow = typeof termsAcceptances.$inferSelect;
export type NewTermsAcceptance = Omit<typeof termsAcceptances.$inferInsert, 'associationId' | 'acceptedAt'>;

/** The rules the database holds for terms, by the constraint that holds each. */
const TERMS_RULES = { terms_versions_pkey: 'version-taken' } as const;
export type TermsRule = (typeof TERMS_RULES)[keyof typeof TERMS_RULES];

/** The only code that reads or writes terms versions and acceptances. */
export class TermsRepository {
  constructor(private readonly db: SubgraphDatabase) {}

  /** Every version, in the order they take effect. Platform-wide, so read in system scope. */
  versions(): Promise<TermsVersionRow[]> {
    return this.db.system((tx) => tx.select().from(termsVersions).orderBy(asc(termsVersions.effectiveOn), asc(termsVersions.version)));
  }

  /**
   * Publishes a version and, in the same transaction, writes what `announce` makes of it for every association
   * that is not terminated; a version published before is refused with RuleViolation `'version-taken'`. Returns how
   * many associations were told.
   */
  publish(version: NewTermsVersion, announce: (row: TermsVersionRow) => Announcement): Promise<{ row: TermsVersionRow; announcedTo: number }> {
    return refusedAs(TERMS_RULES, () =>
      this.db.system(async (tx) => {
        const [row] = await tx.insert(termsVersions).values(version).returning();
        const open = await tx.select({ id: associations.id }).from(associations).where(ne(associations.status, 'terminated'));
        for (const { id } of open) await this.db.outbox.add(tx, { ...announce(row!), associationId: id });
        return { row: row!, announcedTo: open.length };
      }),
    );
  }

  acceptances(tenant: string): Promise<TermsAcceptanceRow[]> {
    return this.db.tenant(tenant, (tx) =>
      tx.select().from(termsAcceptances).where(eq(termsAcceptances.associationId, tenant)).orderBy(desc(termsAcceptances.acceptedAt)),
    );
  }

  /** Records the acceptance unless the association accepted the version before; either way returns the one on record. */
  accept(tenant: string, acceptance: NewTermsAcceptance): Promise<TermsAcceptanceRow> {
    return this.db.tenant(tenant, async (tx) => {
      await tx
        .insert(termsAcceptances)
        .values({ ...acceptance, associationId: tenant })
        .onConflictDoNothing();
      const [row] = await tx
        .select()
        .from(termsAcceptances)
        .where(and(eq(termsAcceptances.associationId, tenant), eq(termsAcceptances.version, acceptance.version)));
      return row!;
    });
  }
}
