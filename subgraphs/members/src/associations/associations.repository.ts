import { refusedAs, type Announcement, type SubgraphDatabase } from '@tunet/kit';
import { and, asc, eq, ilike, or, sql, type SQL } from 'drizzle-orm';
import type { InvitationRow, NewInvitation } from '../invitations/invitations.repository';
import type { AssociationRow, MemberRow, NewAssociation, NewMember } from '../members/members.repository';
import type { NewTermsAcceptance } from '../terms/terms.repository';
import { associations, committees, invitations, members, termsAcceptances } from '../tables';

/** The rules the database holds for associations, by the constraint that holds each. */
const ONBOARDING_RULES = { associations_org_number_key: 'org-number-taken' } as const;
export type OnboardingRule = (typeof ONBOARDING_RULES)[keyof typeof ONBOARDING_RULES];

/** Keyset position in the operators' name-ordered list: the lower-cased name and the id. */
export type AssociationPosition = { name: string; id: string };

export interface AssociationQuery {
  /** Part of the name, matched case-insensitively. */
  namePart?: string;
  /** A whole organisation number, matched exactly. */
  orgNumber?: string;
  status?: AssociationRow['status'];
}

/** Everything a new association starts with, written together or not at all. */
export interface Onboarding {
  association: NewAssociation & { id: string };
  board: { id: string; name: string };
  acceptance: NewTermsAcceptance;
  firstBoardMember: Omit<NewMember, 'associationId'> & { id: string };
  invitation: NewInvitation & { committeeId: string; committeeRole: 'leader' };
}

/** What onboarding wrote that its payload shows: the association, the invitation and the member it invites. */
export interface Onboarded {
  association: AssociationRow;
  invitation: InvitationRow;
  firstBoardMember: MemberRow;
}

/** The operators' view of every association, and onboarding one. Platform-wide reads use system scope. */
export class AssociationsRepository {
  constructor(private readonly db: SubgraphDatabase) {}

  /** One page in name order (`limit + 1` tells whether another follows); the cursor is a row comparison on the index. */
  list(query: AssociationQuery, limit: number, after: AssociationPosition | null): Promise<AssociationRow[]> {
    const lowerName = sql<string>`lower(${associations.name})`;
    const matches: (SQL | undefined)[] = [
      query.namePart ? ilike(associations.name, `%${likeEscape(query.namePart)}%`) : undefined,
      query.orgNumber ? eq(associations.orgNumber, query.orgNumber) : undefined,
    ];
    const conditions: (SQL | undefined)[] = [
      matches.some(Boolean) ? or(...matches) : undefined,
      query.status ? eq(associations.status, query.status) : undefined,
      after ? sql`(${lowerName}, ${associations.id}) > (${after.name}, ${after.id}::uuid)` : undefined,
    ];
    return this.db.system((tx) =>
      tx
        .select()
        .from(associations)
        .where(and(...conditions))
        .orderBy(asc(lowerName), asc(associations.id))
        .limit(limit),
    );
  }

  async find(id: string): Promise<AssociationRow | null> {
    const [row] = await this.db.system((tx) => tx.select().from(associations).where(eq(associations.id, id)));
    return row ?? null;
  }

  /**
   * Creates the association, its board, its acceptance of the terms, the first board member's membership and the
   * invitation that seats them on the board, and the invitation's announcement, in one transaction. An organisation
   * number another association has is refused with RuleViolation `'org-number-taken'`.
   */
  create(onboarding: Onboarding, announce: (invitation: InvitationRow) => Announcement): Promise<Onboarded> {
    const tenant = onboarding.association.id;
    return refusedAs(ONBOARDING_RULES, () =>
      this.db.tenant(tenant, async (tx) => {
        const [association] = await tx.insert(associations).values(onboarding.association).returning();
        await tx.insert(committees).values({ associationId: tenant, id: onboarding.board.id, kind: 'board', name: onboarding.board.name });
        await tx.insert(termsAcceptances).values({ ...onboarding.acceptance, associationId: tenant });
        const [member] = await tx
          .insert(members)
          .values({ ...onboarding.firstBoardMember, associationId: tenant })
          .returning();
        const [invitation] = await tx
          .insert(invitations)
          .values({ ...onboarding.invitation, associationId: tenant, memberId: onboarding.firstBoardMember.id })
          .returning();
        await this.db.outbox.add(tx, { ...announce(invitation!), associationId: tenant });
        // No role until the invitation's board seat starts, on accepting it.
        return { association: association!, invitation: invitation!, firstBoardMember: { ...member!, roles: [] } };
      }),
    );
  }
}

function likeEscape(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}
