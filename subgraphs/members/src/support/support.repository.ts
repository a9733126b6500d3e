import type { SubgraphDatabase, Tx } from '@tunet/kit';
import { randomUUID } from 'node:crypto';
import { and, desc, eq, gt, isNotNull, isNull, lt, or } from 'drizzle-orm';
import { accounts, associations, operatorRefreshTokens, refreshTokens, supportAccessLog, supportSessions } from '../tables';

export type SupportSessionRow = typeof supportSessions.$inferSelect;
export type SupportAccessEntryRow = typeof supportAccessLog.$inferSelect;
export type NewSupportAccessEntry = Omit<SupportAccessEntryRow, 'id'>;

/** Where a page starts: after the row with this time and id, newest first. */
export interface After {
  at: Date;
  id: string;
}

/** Support sessions and their access log: the association's own rows, opened and checked in system scope. */
export class SupportRepository {
  constructor(private readonly db: SubgraphDatabase) {}

  /** The operator's login e-mail, or null when the association or the account does not exist. */
  async openingFacts(associationId: string, accountId: string): Promise<{ operatorEmail: string } | null> {
    const [row] = await this.db.system((tx) =>
      tx.select({ operatorEmail: accounts.email }).from(accounts).innerJoin(associations, eq(associations.id, associationId)).where(eq(accounts.id, accountId)),
    );
    return row ?? null;
  }

  async open(session: SupportSessionRow): Promise<void> {
    await this.db.tenant(session.associationId, (tx) => tx.insert(supportSessions).values(session));
  }

  /** Closes the operator's own session (at once; a closed one stays as it was), or null when it is not theirs. */
  close(id: string, accountId: string, now: Date): Promise<SupportSessionRow | null> {
    return this.db.system(async (tx) => {
      const [session] = await tx
        .select()
        .from(supportSessions)
        .where(and(eq(supportSessions.id, id), eq(supportSessions.accountId, accountId)))
        .for('update');
      if (!session) return null;
      if (session.closedAt) return session;
      const [closed] = await tx
        .update(supportSessions)
        .set({ closedAt: now })
        .where(and(eq(supportSessions.associationId, session.associationId), eq(supportSessions.id, id)))
        .returning();
      return closed ?? null;
    });
  }

  /**
   * Appends an operation to the log when the session is open, unexpired, the operator's and the association's, and
   * the login it was opened in has not ended; false otherwise. The row lock keeps a close from slipping between the
   * check and the entry. System scope: the login's refresh tokens belong to no association, or to another.
   */
  record(entry: NewSupportAccessEntry & { accountId: string }, now: Date): Promise<boolean> {
    const { accountId, ...logged } = entry;
    return this.db.system(async (tx) => {
      const [open] = await tx
        .select({ id: supportSessions.id, openedInSessionId: supportSessions.openedInSessionId })
        .from(supportSessions)
        .where(
          and(
            eq(supportSessions.associationId, entry.associationId),
            eq(supportSessions.id, entry.supportSessionId),
            eq(supportSessions.accountId, accountId),
            isNull(supportSessions.closedAt),
            gt(supportSessions.expiresAt, now),
          ),
        )
        .for('share');
      if (!open) return false;
      if (open.openedInSessionId && (await loginEnded(tx, open.openedInSessionId))) return false;
      await tx.insert(supportAccessLog).values({ ...logged, id: randomUUID() });
      return true;
    });
  }

  /** One page of the association's sessions, newest first; `size + 1` rows to tell whether more follow. */
  sessions(associationId: string, size: number, after: After | null): Promise<SupportSessionRow[]> {
    return this.db.tenant(associationId, (tx) =>
      tx
        .select()
        .from(supportSessions)
        .where(
          and(
            eq(supportSessions.associationId, associationId),
            after ? or(lt(supportSessions.openedAt, after.at), and(eq(supportSessions.openedAt, after.at), lt(supportSessions.id, after.id))) : undefined,
          ),
        )
        .orderBy(desc(supportSessions.openedAt), desc(supportSessions.id))
        .limit(size + 1),
    );
  }

  /** One page of a session's operations, newest first. */
  entries(associationId: string, sessionId: string, size: number, after: After | null): Promise<SupportAccessEntryRow[]> {
    return this.db.tenant(associationId, (tx) =>
      tx
        .select()
        .from(supportAccessLog)
        .where(
          and(
            eq(supportAccessLog.associationId, associationId),
            eq(supportAccessLog.supportSessionId, sessionId),
            after ? or(lt(supportAccessLog.at, after.at), and(eq(supportAccessLog.at, after.at), lt(supportAccessLog.id, after.id))) : undefined,
          ),
        )
        .orderBy(desc(supportAccessLog.at), desc(supportAccessLog.id))
        .limit(size + 1),
    );
  }
}

/**
 * Whether a login session (refresh-token family, an operator's own or a platform admin's membership) was ended:
 * logout, a replayed refresh token and a password set or changed revoke its live tokens; rotation only uses them.
 */
async function loginEnded(tx: Tx, familyId: string): Promise<boolean> {
  const [ofOperator] = await tx
    .select({ id: operatorRefreshTokens.id })
    .from(operatorRefreshTokens)
    .where(and(eq(operatorRefreshTokens.familyId, familyId), isNotNull(operatorRefreshTokens.revokedAt)))
    .limit(1);
  if (ofOperator) return true;
  const [ofMember] = await tx
    .select({ id: refreshTokens.id })
    .from(refreshTokens)
    .where(and(eq(refreshTokens.familyId, familyId), isNotNull(refreshTokens.revokedAt)))
    .limit(1);
  return ofMember !== undefined;
}
