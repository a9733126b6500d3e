import type { SubgraphDatabase } from '@tunet/kit';
import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import { accounts, members, refreshTokens } from '../tables';

export type AccountRow = typeof accounts.$inferSelect;
export type NewAccount = Pick<typeof accounts.$inferInsert, 'id' | 'email' | 'passwordHash' | 'platformAdmin'>;

/** What a session is about: one account acting as one member of one association. */
export interface Membership {
  accountId: string;
  associationId: string;
  memberId: string;
  role: 'resident' | 'board' | 'external';
  platformAdmin: boolean;
}

export interface NewRefreshToken {
  id: string;
  tokenHash: string;
  expiresAt: Date;
}

export type RotateOutcome =
  | { kind: 'rotated'; membership: Membership }
  | { kind: 'reused' }
  | { kind: 'invalid' };

/**
 * Credentials and sessions. Login and refresh happen before any tenant is known, so this repository works in
 * system scope; it is the only place in the members subgraph that does.
 */
export class AuthRepository {
  constructor(private readonly db: SubgraphDatabase) {}

  async findAccountByEmail(email: string): Promise<AccountRow | null> {
    const [row] = await this.db.system((tx) =>
      tx.select().from(accounts).where(eq(sql`lower(${accounts.email})`, email.toLowerCase())),
    );
    return row ?? null;
  }

  async createAccount(account: NewAccount): Promise<void> {
    await this.db.system((tx) => tx.insert(accounts).values(account));
  }

  /** The account's memberships, oldest first. */
  findMemberships(account: AccountRow): Promise<Membership[]> {
    return this.db.system(async (tx) => {
      const rows = await tx
        .select({ associationId: members.associationId, memberId: members.id, role: members.role })
        .from(members)
        .where(eq(members.accountId, account.id))
        .orderBy(asc(members.createdAt));
      return rows.map((row) => ({ ...row, accountId: account.id, platformAdmin: account.platformAdmin }));
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

  /**
   * Uses up the presented token and stores its successor in the same family, atomically. A token that was
   * already used means someone else holds a copy: the whole family is revoked and the outcome is `reused`.
   */
  rotate(presentedHash: string, next: NewRefreshToken, now: Date): Promise<RotateOutcome> {
    return this.db.system(async (tx): Promise<RotateOutcome> => {
      const [current] = await tx
        .select()
        .from(refreshTokens)
        .where(eq(refreshTokens.tokenHash, presentedHash))
        .for('update');
      if (!current || current.revokedAt) return { kind: 'invalid' };
      if (current.usedAt) {
        await tx
          .update(refreshTokens)
          .set({ revokedAt: now })
          .where(and(eq(refreshTokens.familyId, current.familyId), isNull(refreshTokens.revokedAt)));
        return { kind: 'reused' };
      }
      if (current.expiresAt <= now) return { kind: 'invalid' };

      const [holder] = await tx
        .select({ role: members.role, platformAdmin: accounts.platformAdmin })
        .from(members)
        .innerJoin(accounts, eq(accounts.id, members.accountId))
        .where(and(eq(members.associationId, current.associationId), eq(members.id, current.memberId)));
      if (!holder) return { kind: 'invalid' };

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
      return {
        kind: 'rotated',
        membership: {
          accountId: current.accountId,
          associationId: current.associationId,
          memberId: current.memberId,
          role: holder.role,
          platformAdmin: holder.platformAdmin,
        },
      };
    });
  }

  /** Revokes every live token in the presented token's family; false when there was nothing to end. */
  revokeFamilyOf(presentedHash: string, now: Date): Promise<boolean> {
    return this.db.system(async (tx) => {
      const [current] = await tx
        .select({ familyId: refreshTokens.familyId })
        .from(refreshTokens)
        .where(eq(refreshTokens.tokenHash, presentedHash));
      if (!current) return false;
      const revoked = await tx
        .update(refreshTokens)
        .set({ revokedAt: now })
        .where(and(eq(refreshTokens.familyId, current.familyId), isNull(refreshTokens.revokedAt)))
        .returning({ id: refreshTokens.id });
      return revoked.length > 0;
    });
  }
}
