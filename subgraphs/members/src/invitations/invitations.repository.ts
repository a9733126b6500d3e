import { randomUUID } from 'node:crypto';
import { refusedAs, type Announcement, type SubgraphDatabase } from '@tunet/kit';
import { and, desc, eq, isNull, sql } from 'drizzle-orm';
import { accounts, associations, buildings, committeeTerms, invitations, members, tenures, units } from '../tables';
import type { NewMember } from '../members/members.repository';
import type { NewTenure } from '../housing/housing.repository';

export type InvitationRow = typeof invitations.$inferSelect;
export type NewInvitation = Omit<typeof invitations.$inferInsert, 'associationId' | 'memberId'>;

/** The rules the database holds for invitations, by the constraint that holds each. */
const INVITATION_RULES = { invitations_one_open_per_email: 'already-open' } as const;
export type InvitationRule = (typeof INVITATION_RULES)[keyof typeof INVITATION_RULES];

export type AcceptOutcome =
  | { kind: 'accepted'; accountId: string; associationId: string }
  | { kind: 'invalid' }
  | { kind: 'expired' }
  /** No password came to create the account with, or the e-mail's account is not the one whose password was given. */
  | { kind: 'password-required' };

/** What an invitation's link shows before it is accepted (`invitationPreview`); nothing else of the association. */
export interface InvitationPreviewRow {
  status: 'open' | 'closed' | 'expired';
  associationName: string;
  invitedBy: string | null;
  displayName: string;
  email: string;
  externalTitle: string | null;
  unitNumber: string | null;
  buildingName: string | null;
  relation: (typeof tenures.$inferSelect)['relation'] | null;
  committeeRole: InvitationRow['committeeRole'];
  expiresAt: Date;
  /** The association's zone, for the expiry a refusal names. */
  timeZone: string;
  hasAccount: boolean;
}

/** The only code that reads or writes invitations. */
export class InvitationsRepository {
  constructor(private readonly db: SubgraphDatabase) {}

  list(tenant: string, includeClosed: boolean): Promise<InvitationRow[]> {
    return this.db.tenant(tenant, (tx) =>
      tx
        .select()
        .from(invitations)
        .where(and(eq(invitations.associationId, tenant), includeClosed ? undefined : and(isNull(invitations.acceptedAt), isNull(invitations.revokedAt))))
        .orderBy(desc(invitations.createdAt)),
    );
  }

  async find(tenant: string, id: string): Promise<InvitationRow | null> {
    const [row] = await this.db.tenant(tenant, (tx) =>
      tx
        .select()
        .from(invitations)
        .where(and(eq(invitations.associationId, tenant), eq(invitations.id, id))),
    );
    return row ?? null;
  }

  /** Whether the association already has this e-mail on a member. */
  async emailTaken(tenant: string, email: string): Promise<boolean> {
    const rows = await this.db.tenant(tenant, (tx) =>
      tx
        .select({ id: members.id })
        .from(members)
        .where(and(eq(members.associationId, tenant), eq(sql`lower(${members.email})`, email.toLowerCase()))),
    );
    return rows.length > 0;
  }

  /**
   * Creates the membership, its tenure (for residents), the invitation and its announcement, atomically; a second
   * open invitation to one address is refused with RuleViolation `'already-open'`.
   */
  async create(
    tenant: string,
    member: Omit<NewMember, 'associationId'>,
    tenure: Omit<NewTenure, 'associationId' | 'memberId'> | null,
    invitation: NewInvitation,
    announce: (invitation: InvitationRow) => Announcement,
  ): Promise<InvitationRow> {
    return refusedAs(INVITATION_RULES, () =>
      this.db.tenant(tenant, async (tx) => {
        await tx.insert(members).values({ ...member, associationId: tenant });
        if (tenure) await tx.insert(tenures).values({ ...tenure, associationId: tenant, memberId: member.id });
        const [row] = await tx
          .insert(invitations)
          .values({ ...invitation, associationId: tenant, memberId: member.id })
          .returning();
        await this.db.outbox.add(tx, { ...announce(row!), associationId: tenant });
        return row!;
      }),
    );
  }

  /** Replaces the link (the old token stops working) and announces it again. */
  async renew(tenant: string, id: string, tokenHash: string, expiresAt: Date, announce: (invitation: InvitationRow) => Announcement): Promise<InvitationRow> {
    return this.db.tenant(tenant, async (tx) => {
      const [row] = await tx
        .update(invitations)
        .set({ tokenHash, expiresAt, sendCount: sql`${invitations.sendCount} + 1`, updatedAt: new Date() })
        .where(and(eq(invitations.associationId, tenant), eq(invitations.id, id)))
        .returning();
      await this.db.outbox.add(tx, { ...announce(row!), associationId: tenant });
      return row!;
    });
  }

  async revoke(tenant: string, id: string): Promise<InvitationRow> {
    const [row] = await this.db.tenant(tenant, (tx) =>
      tx
        .update(invitations)
        .set({ revokedAt: new Date(), updatedAt: new Date() })
        .where(and(eq(invitations.associationId, tenant), eq(invitations.id, id)))
        .returning(),
    );
    return row!;
  }

  /**
   * What the link with this token offers, read before any tenant is known (system scope); null for a token no
   * invitation has. An inviter who hides their name from the directory is not named.
   */
  preview(tokenHash: string, now: Date): Promise<InvitationPreviewRow | null> {
    return this.db.system(async (tx) => {
      const [invitation] = await tx.select().from(invitations).where(eq(invitations.tokenHash, tokenHash));
      if (!invitation) return null;
      const tenant = invitation.associationId;
      const [association] = await tx.select({ name: associations.name, timeZone: associations.timeZone }).from(associations).where(eq(associations.id, tenant));
      const memberOf = async (id: string | null) =>
        id
          ? (
              await tx
                .select()
                .from(members)
                .where(and(eq(members.associationId, tenant), eq(members.id, id)))
            )[0]
          : undefined;
      const [invitee, inviter] = await Promise.all([memberOf(invitation.memberId), memberOf(invitation.invitedByMemberId)]);
      const [home] = invitation.unitId
        ? await tx
            .select({ number: units.number, building: buildings.name, relation: tenures.relation })
            .from(units)
            .innerJoin(buildings, and(eq(buildings.associationId, units.associationId), eq(buildings.id, units.buildingId)))
            .leftJoin(tenures, and(eq(tenures.associationId, units.associationId), eq(tenures.unitId, units.id), eq(tenures.memberId, invitation.memberId)))
            .where(and(eq(units.associationId, tenant), eq(units.id, invitation.unitId)))
        : [];
      const [account] = await tx
        .select({ id: accounts.id })
        .from(accounts)
        .where(eq(sql`lower(${accounts.email})`, invitation.email.toLowerCase()));
      const closed = Boolean(invitation.acceptedAt || invitation.revokedAt);
      return {
        status: closed ? 'closed' : invitation.expiresAt <= now ? 'expired' : 'open',
        associationName: association?.name ?? '',
        invitedBy: inviter && !inviter.hideName ? inviter.displayName : null,
        displayName: invitee?.displayName ?? '',
        email: invitation.email,
        externalTitle: invitee?.externalTitle ?? null,
        unitNumber: home?.number ?? null,
        buildingName: home?.building ?? null,
        relation: home?.relation ?? null,
        committeeRole: invitation.committeeRole,
        expiresAt: invitation.expiresAt,
        timeZone: association?.timeZone ?? 'Europe/Oslo',
        hasAccount: Boolean(account),
      };
    });
  }

  /**
   * Accepts by token, before any tenant is known (system scope): links the membership to the account with the
   * invitation's e-mail when its password was given (`provenAccountId`), creating that account when there is none, marks the invitation used and writes what
   * `announce` makes of it — all in one transaction, so a token works exactly once.
   */
  accept(
    tokenHash: string,
    newAccount: { id: string; passwordHash: string | null },
    /** The account whose password was given, when the e-mail had one: only that one is linked. */
    provenAccountId: string | null,
    now: Date,
    announce: (invitation: InvitationRow) => Announcement,
  ): Promise<AcceptOutcome> {
    return this.db.system(async (tx): Promise<AcceptOutcome> => {
      const [invitation] = await tx.select().from(invitations).where(eq(invitations.tokenHash, tokenHash)).for('update');
      if (!invitation || invitation.acceptedAt || invitation.revokedAt) return { kind: 'invalid' };
      if (invitation.expiresAt <= now) return { kind: 'expired' };
      const [existing] = await tx
        .select({ id: accounts.id })
        .from(accounts)
        .where(eq(sql`lower(${accounts.email})`, invitation.email.toLowerCase()));
      const accountId = existing?.id ?? newAccount.id;
      if (existing && existing.id !== provenAccountId) return { kind: 'password-required' };
      if (!existing) {
        if (!newAccount.passwordHash) return { kind: 'password-required' };
        await tx.insert(accounts).values({ id: accountId, email: invitation.email, passwordHash: newAccount.passwordHash, platformAdmin: false });
      }
      await tx
        .update(members)
        .set({ accountId, updatedAt: now })
        .where(and(eq(members.associationId, invitation.associationId), eq(members.id, invitation.memberId)));
      if (invitation.committeeId && invitation.committeeRole) {
        // The seat the invitation carries (the first board member of a new association) starts on the day of accepting.
        await tx.insert(committeeTerms).values({
          associationId: invitation.associationId,
          id: randomUUID(),
          committeeId: invitation.committeeId,
          memberId: invitation.memberId,
          role: invitation.committeeRole,
          termFrom: sql`members.association_today(${invitation.associationId})`,
        });
      }
      await tx
        .update(invitations)
        .set({ acceptedAt: now, updatedAt: now })
        .where(and(eq(invitations.associationId, invitation.associationId), eq(invitations.id, invitation.id)));
      await this.db.outbox.add(tx, { ...announce(invitation), associationId: invitation.associationId });
      return { kind: 'accepted', accountId, associationId: invitation.associationId };
    });
  }
}
