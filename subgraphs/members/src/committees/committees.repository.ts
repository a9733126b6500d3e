import type { Announcement, SubgraphDatabase } from '@tunet/kit';
import { and, asc, desc, eq, inArray, isNull, sql } from 'drizzle-orm';
import { committees, committeeTerms } from '../tables';

/** A board term whose last day has passed, as the sweep finds it. */
export interface EndedTerm {
  id: string;
  memberId: string;
  termTo: string;
}

export type CommitteeRow = typeof committees.$inferSelect;
export type NewCommittee = typeof committees.$inferInsert;
/** A term as stored, plus whether it is in force on the association's today. */
export type CommitteeTermRow = typeof committeeTerms.$inferSelect & { active: boolean };
export type NewCommitteeTerm = typeof committeeTerms.$inferInsert;

const termWithState = {
  associationId: committeeTerms.associationId,
  id: committeeTerms.id,
  committeeId: committeeTerms.committeeId,
  memberId: committeeTerms.memberId,
  role: committeeTerms.role,
  termFrom: committeeTerms.termFrom,
  termTo: committeeTerms.termTo,
  endAnnouncedAt: committeeTerms.endAnnouncedAt,
  createdAt: committeeTerms.createdAt,
  active: sql<boolean>`(${committeeTerms.termFrom} <= members.association_today(${committeeTerms.associationId})
    and (${committeeTerms.termTo} is null or ${committeeTerms.termTo} >= members.association_today(${committeeTerms.associationId})))`,
};

/** The only code that reads or writes committees and their terms. Every call names its tenant. */
export class CommitteesRepository {
  constructor(private readonly db: SubgraphDatabase) {}

  /** The association's committees, the board first, then by name. */
  listCommittees(tenant: string): Promise<CommitteeRow[]> {
    return this.db.tenant(tenant, (tx) =>
      tx
        .select()
        .from(committees)
        .where(eq(committees.associationId, tenant))
        .orderBy(sql`${committees.kind} <> 'board'`, asc(committees.name)),
    );
  }

  findCommittees(tenant: string, ids: readonly string[]): Promise<CommitteeRow[]> {
    return this.db.tenant(tenant, (tx) =>
      tx
        .select()
        .from(committees)
        .where(and(eq(committees.associationId, tenant), inArray(committees.id, [...ids]))),
    );
  }

  /** Terms of the given committees or members, active first, then newest. */
  termsOf(tenant: string, by: 'committee' | 'member', ids: readonly string[], activeOnly: boolean): Promise<CommitteeTermRow[]> {
    const column = by === 'committee' ? committeeTerms.committeeId : committeeTerms.memberId;
    return this.db.tenant(tenant, (tx) =>
      tx
        .select(termWithState)
        .from(committeeTerms)
        .where(and(eq(committeeTerms.associationId, tenant), inArray(column, [...ids]), activeOnly ? termWithState.active : undefined))
        .orderBy(desc(termWithState.active), desc(committeeTerms.termFrom)),
    );
  }

  async findTerm(tenant: string, id: string): Promise<CommitteeTermRow | null> {
    const [row] = await this.db.tenant(tenant, (tx) =>
      tx
        .select(termWithState)
        .from(committeeTerms)
        .where(and(eq(committeeTerms.associationId, tenant), eq(committeeTerms.id, id))),
    );
    return row ?? null;
  }

  /**
   * Writes what `announce` makes of every board term whose last day has passed in its association's time zone,
   * once per term, across all associations (system scope: a sweep has no tenant). Returns how many it announced.
   */
  announceEndedBoardTerms(announce: (term: EndedTerm) => Announcement): Promise<number> {
    return this.db.system(async (tx) => {
      const ended = await tx
        .update(committeeTerms)
        .set({ endAnnouncedAt: new Date() })
        .where(
          and(
            isNull(committeeTerms.endAnnouncedAt),
            sql`${committeeTerms.termTo} < members.association_today(${committeeTerms.associationId})`,
            sql`exists (select 1 from ${committees} where ${committees.associationId} = ${committeeTerms.associationId}
              and ${committees.id} = ${committeeTerms.committeeId} and ${committees.kind} = 'board')`,
          ),
        )
        .returning({ associationId: committeeTerms.associationId, id: committeeTerms.id, memberId: committeeTerms.memberId, termTo: committeeTerms.termTo });
      // The filter above admits only terms with an end.
      for (const term of ended) await this.db.outbox.add(tx, { ...announce({ ...term, termTo: term.termTo! }), associationId: term.associationId });
      return ended.length;
    });
  }

  async insertCommittee(tenant: string, committee: Omit<NewCommittee, 'associationId'>): Promise<CommitteeRow> {
    const [row] = await this.db.tenant(tenant, (tx) =>
      tx
        .insert(committees)
        .values({ ...committee, associationId: tenant })
        .returning(),
    );
    return row!;
  }

  async insertTerm(tenant: string, term: Omit<NewCommitteeTerm, 'associationId'>): Promise<CommitteeTermRow> {
    return this.db.tenant(tenant, async (tx) => {
      await tx.insert(committeeTerms).values({ ...term, associationId: tenant });
      const [row] = await tx
        .select(termWithState)
        .from(committeeTerms)
        .where(and(eq(committeeTerms.associationId, tenant), eq(committeeTerms.id, term.id)));
      return row!;
    });
  }

  async endTerm(tenant: string, id: string, termTo: string): Promise<CommitteeTermRow | null> {
    return this.db.tenant(tenant, async (tx) => {
      const [updated] = await tx
        .update(committeeTerms)
        .set({ termTo })
        .where(and(eq(committeeTerms.associationId, tenant), eq(committeeTerms.id, id)))
        .returning({ id: committeeTerms.id });
      if (!updated) return null;
      const [row] = await tx
        .select(termWithState)
        .from(committeeTerms)
        .where(and(eq(committeeTerms.associationId, tenant), eq(committeeTerms.id, id)));
      return row!;
    });
  }
}
