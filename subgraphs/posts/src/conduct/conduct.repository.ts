import { refusedAs, type Announcement, type SubgraphDatabase, type Tx } from '@tunet/kit';
import { and, desc, eq, sql } from 'drizzle-orm';
import { conductAcceptances, conductVersions } from '../tables';

const PUBLISH_RULES = { conduct_versions_pkey: 'version-taken' } as const;
export type PublishRule = (typeof PUBLISH_RULES)[keyof typeof PUBLISH_RULES];

export type ConductVersionRow = typeof conductVersions.$inferSelect;

/** The current version as one member sees it: with when they accepted it, if they have. */
export type CurrentConductRow = Pick<ConductVersionRow, 'version' | 'body' | 'publishedAt'> & { viewerAcceptedAt: Date | null };

/** The only code that reads or writes codes of conduct and their acceptances. Every call names its tenant. */
export class ConductRepository {
  constructor(private readonly db: SubgraphDatabase) {}

  /** The association's highest version with `memberId`'s acceptance of it; null before the first publication. */
  current(tenant: string, memberId: string): Promise<CurrentConductRow | null> {
    return this.db.tenant(tenant, (tx) => this.currentIn(tx, tenant, memberId));
  }

  /**
   * Publishes the next version and lets its publisher accept it, together with the event `announce` builds. The
   * number is computed in the insert; a concurrent publication taking the same one fails on the primary key,
   * reported as RuleViolation `'version-taken'`.
   */
  publish(tenant: string, memberId: string, body: string, announce: (version: number) => Announcement): Promise<CurrentConductRow> {
    return refusedAs(PUBLISH_RULES, () =>
      this.db.tenant(tenant, async (tx) => {
        const next = sql<number>`(select coalesce(max(${conductVersions.version}), 0) + 1 from ${conductVersions} where ${conductVersions.associationId} = ${tenant})`;
        const [row] = await tx.insert(conductVersions).values({ associationId: tenant, version: next, body, publishedByMemberId: memberId }).returning();
        if (!row) throw new Error('insert returned no row');
        await tx.insert(conductAcceptances).values({ associationId: tenant, memberId, version: row.version, acceptedAt: row.publishedAt });
        await this.db.outbox.add(tx, { ...announce(row.version), associationId: tenant });
        return { version: row.version, body: row.body, publishedAt: row.publishedAt, viewerAcceptedAt: row.publishedAt };
      }),
    );
  }

  /** Records the acceptance once; a second one keeps the first time. Returns the current version as the member sees it. */
  accept(tenant: string, memberId: string, version: number): Promise<CurrentConductRow | null> {
    return this.db.tenant(tenant, async (tx) => {
      await tx.insert(conductAcceptances).values({ associationId: tenant, memberId, version }).onConflictDoNothing();
      return this.currentIn(tx, tenant, memberId);
    });
  }

  /** Inserts versions as they are, for demo data. */
  async insertVersion(tenant: string, version: Omit<ConductVersionRow, 'associationId'>, acceptedBy: readonly string[]): Promise<void> {
    await this.db.tenant(tenant, async (tx) => {
      await tx.insert(conductVersions).values({ ...version, associationId: tenant });
      for (const memberId of acceptedBy) {
        await tx.insert(conductAcceptances).values({ associationId: tenant, memberId, version: version.version, acceptedAt: version.publishedAt });
      }
    });
  }

  private async currentIn(tx: Tx, tenant: string, memberId: string): Promise<CurrentConductRow | null> {
    const [row] = await tx
      .select({
        version: conductVersions.version,
        body: conductVersions.body,
        publishedAt: conductVersions.publishedAt,
        viewerAcceptedAt: conductAcceptances.acceptedAt,
      })
      .from(conductVersions)
      .leftJoin(
        conductAcceptances,
        and(
          eq(conductAcceptances.associationId, conductVersions.associationId),
          eq(conductAcceptances.version, conductVersions.version),
          eq(conductAcceptances.memberId, memberId),
        ),
      )
      .where(eq(conductVersions.associationId, tenant))
      .orderBy(desc(conductVersions.version))
      .limit(1);
    return row ?? null;
  }
}
