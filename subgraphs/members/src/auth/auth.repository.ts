import type { AssociationClosedStatus, NewEvent, SubgraphDatabase, Tx, ViewerScope } from '@tunet/kit';
import { and, asc, eq, isNull, ne, sql } from 'drizzle-orm';
import type { MemberRoleName } from '../members/members.repository';
import { accounts, associations, emailChanges, members, operatorRefreshTokens, passwordSetups, refreshTokens } from '../tables';

export type AccountRow = typeof accounts.$inferSelect;
export type NewAccount = Pick<typeof accounts.$inferInsert, 'id' | 'email' | 'passwordHash' | 'platformAdmin'>;

/** What a session is about: one account acting as one member of one association, as things stand today. */
export interface Membership {
  accountId: string;
  associationId: string;
  memberId: string;
  roles: MemberRoleName[];
  scope: ViewerScope;
  platformAdmin: boolean;
  suspension: { reason: string; until: string | null } | null;
  /** Whether the association is open (active), or blocked or terminated so that nobody may enter. */
  associationStatus: AssociationStatusName;
  associationName: string;
  /** The association's language, carried in the access token for messages (decision 0045). */
  associationLocale: 'nb' | 'en';
}

const membershipColumns = {
  associationId: members.associationId,
  memberId: members.id,
  roles: sql<MemberRoleName[]>`members.member_roles(${members.associationId}, ${members.id})`,
  scope: sql<ViewerScope>`members.member_scope(${members.associationId}, ${members.id})`,
  suspended: sql<boolean>`(${members.suspendedAt} is not null and (${members.suspendedUntil} is null
    or ${members.suspendedUntil} >= members.association_today(${members.associationId})))`,
  suspensionReason: members.suspensionReason,
  suspendedUntil: members.suspendedUntil,
  associationStatus: sql<AssociationStatusName>`(select a.status from members.associations a where a.id = ${members.associationId})`,
  associationName: sql<string>`(select a.name from members.associations a where a.id = ${members.associationId})`,
  associationLocale: sql<'nb' | 'en'>`(select a.locale from members.associations a where a.id = ${members.associationId})`,
};

/** Access is open only while the association is active (decision 0034). */
type AssociationStatusName = 'active' | AssociationClosedStatus;

function toMembership(
  row: {
    associationId: string;
    memberId: string;
    roles: MemberRoleName[];
    scope: ViewerScope;
    suspended: boolean;
    suspensionReason: string | null;
    suspendedUntil: string | null;
    associationStatus: AssociationStatusName;
    associationName: string;
    associationLocale: 'nb' | 'en';
  },
  accountId: string,
  platformAdmin: boolean,
): Membership {
  return {
    accountId,
    associationId: row.associationId,
    memberId: row.memberId,
    roles: row.roles,
    scope: row.scope,
    platformAdmin,
    suspension: row.suspended ? { reason: row.suspensionReason ?? '', until: row.suspendedUntil } : null,
    associationStatus: row.associationStatus,
    associationName: row.associationName,
    associationLocale: row.associationLocale,
  };
}

export interface NewRefreshToken {
  id: string;
  tokenHash: string;
  expiresAt: Date;
}

export type NewPasswordSetup = Pick<typeof passwordSetups.$inferInsert, 'id' | 'tokenHash' | 'expiresAt'>;

export type PasswordSetupPurpose = (typeof passwordSetups.$inferSelect)['purpose'];

export type PasswordSetupOutcome =
  { kind: 'set'; accountId: string; email: string; endedSessions: string[] } | { kind: 'invalid' } | { kind: 'used' } | { kind: 'expired'; expiresAt: Date };

export type EmailChangeOutcome = { kind: 'confirmed'; email: string } | { kind: 'invalid' } | { kind: 'expired' } | { kind: 'taken' };

export type RotateOutcome =
  | { kind: 'rotated'; membership: Membership; sessionId: string }
  /** An operator's session, which belongs to the account alone (decision 0030). */
  | { kind: 'rotated-operator'; accountId: string; sessionId: string }
  | { kind: 'reused'; sessionId: string }
  /** The token's association is blocked or terminated: its people are told why, whatever became of the token. */
  | { kind: 'closed'; status: AssociationClosedStatus }
  | { kind: 'invalid' };

/**
 * What a presented refresh token is worth, the same for members' and operators' tokens: a used one means someone
 * else holds a copy, so the caller ends the whole family.
 */
function standingOf(token: { usedAt: Date | null; revokedAt: Date | null; expiresAt: Date } | undefined, now: Date): 'live' | 'reused' | 'dead' {
  if (!token || token.revokedAt) return 'dead';
  if (token.usedAt) return 'reused';
  return token.expiresAt <= now ? 'dead' : 'live';
}

/** Ends every live token of one session, wherever it is kept (family ids are unique across both tables). */
async function revokeFamily(tx: Tx, familyId: string, now: Date): Promise<number> {
  const ofMembers = await tx
    .update(refreshTokens)
    .set({ revokedAt: now })
    .where(and(eq(refreshTokens.familyId, familyId), isNull(refreshTokens.revokedAt)))
    .returning({ id: refreshTokens.id });
  const ofOperators = await tx
    .update(operatorRefreshTokens)
    .set({ revokedAt: now })
    .where(and(eq(operatorRefreshTokens.familyId, familyId), isNull(operatorRefreshTokens.revokedAt)))
    .returning({ id: operatorRefreshTokens.id });
  return ofMembers.length + ofOperators.length;
}

/**
 * Credentials and sessions. Login and refresh happen before any tenant is known, so this repository works in
 * system scope; it is the only place in the members subgraph that does.
 */
export class AuthRepository {
  constructor(private readonly db: SubgraphDatabase) {}

  async findAccountByEmail(email: string): Promise<AccountRow | null> {
    const [row] = await this.db.system((tx) =>
      tx
        .select()
        .from(accounts)
        .where(eq(sql`lower(${accounts.email})`, email.toLowerCase())),
    );
    return row ?? null;
  }

  async createAccount(account: NewAccount): Promise<void> {
    await this.db.system((tx) => tx.insert(accounts).values(account));
  }

  /** The account's memberships, oldest first. */
  findMemberships(account: AccountRow): Promise<Membership[]> {
    return this.db.system(async (tx) => {
      const rows = await tx.select(membershipColumns).from(members).where(eq(members.accountId, account.id)).orderBy(asc(members.createdAt));
      return rows.map((row) => toMembership(row, account.id, account.platformAdmin));
    });
  }

  /**
   * Sets a new password and, in the same transaction, ends every session but `keepFamily` and voids the account's
   * pending e-mail changes and unused one-time links (decision 0046, review fixes); returns the sessions that ended.
   */
  setPassword(accountId: string, passwordHash: string, keepFamily: string | null, now: Date): Promise<string[]> {
    return this.db.system(async (tx) => {
      await tx.update(accounts).set({ passwordHash, updatedAt: now }).where(eq(accounts.id, accountId));
      return afterNewPassword(tx, accountId, keepFamily, now);
    });
  }

  async findAccount(accountId: string): Promise<AccountRow | null> {
    const [row] = await this.db.system((tx) => tx.select().from(accounts).where(eq(accounts.id, accountId)));
    return row ?? null;
  }

  /** Ends every live session of an account except `keepFamily`; returns the sessions that ended. */
  endAccountSessions(accountId: string, keepFamily: string | null, now: Date): Promise<string[]> {
    return this.db.system((tx) => endSessionsIn(tx, accountId, keepFamily, now));
  }

  /** A new platform operator's account with its one-time password link, or `exists` when the e-mail is taken. */
  createOperator(account: NewAccount, setup: NewPasswordSetup): Promise<'created' | 'exists'> {
    return this.db.system(async (tx) => {
      const [taken] = await tx
        .select({ id: accounts.id })
        .from(accounts)
        .where(eq(sql`lower(${accounts.email})`, account.email.toLowerCase()));
      if (taken) return 'exists';
      await tx.insert(accounts).values({ ...account, platformAdmin: true });
      await tx.insert(passwordSetups).values({ ...setup, accountId: account.id });
      return 'created';
    });
  }

  /** A fresh link for an existing operator; the account's earlier unused links stop working. */
  renewOperatorLink(email: string, setup: NewPasswordSetup): Promise<'issued' | 'unknown' | 'not-operator'> {
    return this.db.system(async (tx) => {
      const [account] = await tx
        .select({ id: accounts.id, platformAdmin: accounts.platformAdmin })
        .from(accounts)
        .where(eq(sql`lower(${accounts.email})`, email.toLowerCase()));
      if (!account) return 'unknown';
      if (!account.platformAdmin) return 'not-operator';
      await tx.delete(passwordSetups).where(and(eq(passwordSetups.accountId, account.id), isNull(passwordSetups.usedAt)));
      await tx.insert(passwordSetups).values({ ...setup, accountId: account.id });
      return 'issued';
    });
  }

  /**
   * A password reset link for the account, announced (the e-mail goes out from notifications) in the same
   * transaction; the account's earlier unused reset links stop working, so only the newest e-mail's link does.
   */
  issuePasswordReset(accountId: string, setup: NewPasswordSetup, announcement: NewEvent): Promise<void> {
    return this.db.system(async (tx) => {
      await tx.delete(passwordSetups).where(and(eq(passwordSetups.accountId, accountId), eq(passwordSetups.purpose, 'reset'), isNull(passwordSetups.usedAt)));
      await tx.insert(passwordSetups).values({ ...setup, accountId, purpose: 'reset' });
      await this.db.outbox.add(tx, announcement);
    });
  }

  /** Sets the password a one-time link of that purpose allows, once, atomically with using the link up. */
  usePasswordSetup(tokenHash: string, purpose: PasswordSetupPurpose, passwordHash: string, now: Date): Promise<PasswordSetupOutcome> {
    return this.db.system(async (tx): Promise<PasswordSetupOutcome> => {
      const [setup] = await tx
        .select()
        .from(passwordSetups)
        .where(and(eq(passwordSetups.tokenHash, tokenHash), eq(passwordSetups.purpose, purpose)))
        .for('update');
      if (!setup) return { kind: 'invalid' };
      if (setup.usedAt) return { kind: 'used' };
      if (setup.expiresAt <= now) return { kind: 'expired', expiresAt: setup.expiresAt };
      await tx.update(passwordSetups).set({ usedAt: now }).where(eq(passwordSetups.id, setup.id));
      const [account] = await tx
        .update(accounts)
        .set({ passwordHash, updatedAt: now })
        .where(eq(accounts.id, setup.accountId))
        .returning({ email: accounts.email });
      if (!account) return { kind: 'invalid' };
      const ended = await afterNewPassword(tx, setup.accountId, null, now);
      return { kind: 'set', accountId: setup.accountId, email: account.email, endedSessions: ended };
    });
  }

  /** Stores a pending e-mail change and announces it (the link goes to the new address), atomically. */
  async requestEmailChange(change: typeof emailChanges.$inferInsert, announcement: NewEvent): Promise<void> {
    await this.db.system(async (tx) => {
      await tx.insert(emailChanges).values(change);
      await this.db.outbox.add(tx, announcement);
    });
  }

  /**
   * Confirms a pending change once: the account's login e-mail and the contact e-mail of its memberships that
   * used the old address move to the new one. A new address another account already uses is refused.
   */
  confirmEmailChange(tokenHash: string, now: Date): Promise<EmailChangeOutcome> {
    return this.db.system(async (tx): Promise<EmailChangeOutcome> => {
      const [change] = await tx.select().from(emailChanges).where(eq(emailChanges.tokenHash, tokenHash)).for('update');
      if (!change || change.confirmedAt) return { kind: 'invalid' };
      if (change.expiresAt <= now) return { kind: 'expired' };
      const [taken] = await tx
        .select({ id: accounts.id })
        .from(accounts)
        .where(and(eq(sql`lower(${accounts.email})`, change.newEmail.toLowerCase()), ne(accounts.id, change.accountId)));
      if (taken) return { kind: 'taken' };
      const [account] = await tx.select({ email: accounts.email }).from(accounts).where(eq(accounts.id, change.accountId));
      await tx.update(accounts).set({ email: change.newEmail, updatedAt: now }).where(eq(accounts.id, change.accountId));
      await tx
        .update(members)
        .set({ email: change.newEmail, updatedAt: now })
        .where(and(eq(members.accountId, change.accountId), eq(sql`lower(${members.email})`, (account?.email ?? '').toLowerCase())));
      await tx.update(emailChanges).set({ confirmedAt: now }).where(eq(emailChanges.id, change.id));
      return { kind: 'confirmed', email: change.newEmail };
    });
  }

  /** Ends every live session of one member of an association (suspension). */
  endMemberSessions(associationId: string, memberId: string, now: Date): Promise<number> {
    return this.db.tenant(associationId, async (tx) => {
      const ended = await tx
        .update(refreshTokens)
        .set({ revokedAt: now })
        .where(and(eq(refreshTokens.associationId, associationId), eq(refreshTokens.memberId, memberId), isNull(refreshTokens.revokedAt)))
        .returning({ familyId: refreshTokens.familyId });
      return new Set(ended.map((row) => row.familyId)).size;
    });
  }

  async startSession(membership: Membership, token: NewRefreshToken): Promise<void> {
    await this.db.tenant(membership.associationId, (tx) =>
      tx.insert(refreshTokens).values({
        ...token,
        associationId: membership.associationId,
        familyId: token.id,
        accountId: membership.accountId,
        memberId: membership.memberId,
      }),
    );
  }

  /** A session of a platform operator who belongs to no association (decision 0030). */
  async startOperatorSession(accountId: string, token: NewRefreshToken): Promise<void> {
    await this.db.system((tx) => tx.insert(operatorRefreshTokens).values({ ...token, familyId: token.id, accountId }));
  }

  /**
   * Uses up the presented token and stores its successor in the same family, atomically. A token that was
   * already used means someone else holds a copy: the whole family is revoked and the outcome is `reused`.
   */
  rotate(presentedHash: string, next: NewRefreshToken, now: Date): Promise<RotateOutcome> {
    return this.db.system(async (tx): Promise<RotateOutcome> => {
      const [current] = await tx.select().from(refreshTokens).where(eq(refreshTokens.tokenHash, presentedHash)).for('update');
      if (!current) return this.rotateOperatorToken(tx, presentedHash, next, now);
      const [association] = await tx.select({ status: associations.status }).from(associations).where(eq(associations.id, current.associationId));
      if (association && association.status !== 'active') return { kind: 'closed', status: association.status };
      const standing = standingOf(current, now);
      if (standing === 'reused') {
        await revokeFamily(tx, current.familyId, now);
        return { kind: 'reused', sessionId: current.familyId };
      }
      if (standing === 'dead') return { kind: 'invalid' };

      const [holder] = await tx
        .select({ ...membershipColumns, platformAdmin: accounts.platformAdmin })
        .from(members)
        .innerJoin(accounts, eq(accounts.id, members.accountId))
        .where(and(eq(members.associationId, current.associationId), eq(members.id, current.memberId)));
      if (!holder) return { kind: 'invalid' };
      const membership = toMembership(holder, current.accountId, holder.platformAdmin);
      if (membership.suspension) return { kind: 'invalid' };

      await tx
        .update(refreshTokens)
        .set({ usedAt: now })
        .where(and(eq(refreshTokens.associationId, current.associationId), eq(refreshTokens.id, current.id)));
      await tx.insert(refreshTokens).values({
        ...next,
        associationId: current.associationId,
        familyId: current.familyId,
        accountId: current.accountId,
        memberId: current.memberId,
      });
      return { kind: 'rotated', membership, sessionId: current.familyId };
    });
  }

  /** `rotate` for an operator's token: the account must still be a platform admin. */
  private async rotateOperatorToken(tx: Tx, presentedHash: string, next: NewRefreshToken, now: Date): Promise<RotateOutcome> {
    const [current] = await tx.select().from(operatorRefreshTokens).where(eq(operatorRefreshTokens.tokenHash, presentedHash)).for('update');
    const standing = standingOf(current, now);
    if (!current || standing === 'dead') return { kind: 'invalid' };
    if (standing === 'reused') {
      await revokeFamily(tx, current.familyId, now);
      return { kind: 'reused', sessionId: current.familyId };
    }
    const [account] = await tx.select({ platformAdmin: accounts.platformAdmin }).from(accounts).where(eq(accounts.id, current.accountId));
    if (!account?.platformAdmin) return { kind: 'invalid' };
    await tx.update(operatorRefreshTokens).set({ usedAt: now }).where(eq(operatorRefreshTokens.id, current.id));
    await tx.insert(operatorRefreshTokens).values({ ...next, familyId: current.familyId, accountId: current.accountId });
    return { kind: 'rotated-operator', accountId: current.accountId, sessionId: current.familyId };
  }

  /** Revokes every live token of one session (token family). */
  async endSession(familyId: string, now: Date): Promise<void> {
    await this.db.system((tx) => revokeFamily(tx, familyId, now));
  }

  /**
   * Revokes every live token in the presented token's family: the session, and whether anything was left to end.
   * Null for a token nobody issued.
   */
  revokeFamilyOf(presentedHash: string, now: Date): Promise<{ sessionId: string; ended: boolean } | null> {
    return this.db.system(async (tx) => {
      const [current] = await tx
        .select({ familyId: refreshTokens.familyId })
        .from(refreshTokens)
        .where(eq(refreshTokens.tokenHash, presentedHash))
        .union(tx.select({ familyId: operatorRefreshTokens.familyId }).from(operatorRefreshTokens).where(eq(operatorRefreshTokens.tokenHash, presentedHash)));
      if (!current) return null;
      return { sessionId: current.familyId, ended: (await revokeFamily(tx, current.familyId, now)) > 0 };
    });
  }
}

/** Ends every live session of an account except `keepFamily`, member and operator alike; returns the sessions that ended. */
async function endSessionsIn(tx: Tx, accountId: string, keepFamily: string | null, now: Date): Promise<string[]> {
  const ended = await tx
    .update(refreshTokens)
    .set({ revokedAt: now })
    .where(and(eq(refreshTokens.accountId, accountId), isNull(refreshTokens.revokedAt), keepFamily ? ne(refreshTokens.familyId, keepFamily) : undefined))
    .returning({ familyId: refreshTokens.familyId });
  const endedOperator = await tx
    .update(operatorRefreshTokens)
    .set({ revokedAt: now })
    .where(
      and(
        eq(operatorRefreshTokens.accountId, accountId),
        isNull(operatorRefreshTokens.revokedAt),
        keepFamily ? ne(operatorRefreshTokens.familyId, keepFamily) : undefined,
      ),
    )
    .returning({ familyId: operatorRefreshTokens.familyId });
  return [...new Set([...ended, ...endedOperator].map((row) => row.familyId))];
}

/**
 * What a new password takes with it, in its transaction: every other session, and whatever someone who knew the old
 * password (or held a session) may have started — a pending e-mail change to their own address, unused reset and
 * setup links. Returns the sessions that ended.
 */
async function afterNewPassword(tx: Tx, accountId: string, keepFamily: string | null, now: Date): Promise<string[]> {
  await tx.delete(emailChanges).where(and(eq(emailChanges.accountId, accountId), isNull(emailChanges.confirmedAt)));
  await tx.delete(passwordSetups).where(and(eq(passwordSetups.accountId, accountId), isNull(passwordSetups.usedAt)));
  return endSessionsIn(tx, accountId, keepFamily, now);
}
