import { randomUUID } from 'node:crypto';
import {
  decodeCursor,
  forbidden,
  notFound,
  pageSize,
  parseInput,
  toPage,
  type AccessTokenSigner,
  type Page,
  type RevocationWriter,
  type Viewer,
} from '@tunet/kit';
import { z } from 'zod';
import { canSeeSupportAccess, canSeeSupportSession, requireOperator, requireOperatorOutsideSupport } from './support.access';
import type { After, SupportAccessEntryRow, SupportRepository, SupportSessionRow } from './support.repository';

/** The longest a support session may stay open; its token and its revocation live as long. */
export const MAX_SUPPORT_MINUTES = 240;

const openInput = z.object({
  associationId: z.string().uuid(),
  reason: z.string().trim().min(10, 'must be at least 10 characters').max(500),
  minutes: z
    .number()
    .int()
    .min(5)
    .max(MAX_SUPPORT_MINUTES)
    .nullish()
    .transform((minutes) => minutes ?? 60),
});
const closeInput = z.object({ id: z.string().uuid() });

/** What the gateway reports before it runs an operation in a support session (members `internal/support-sessions/record`). */
export const supportRecordSchema = z.object({
  associationId: z.string().uuid(),
  supportSessionId: z.string().uuid(),
  accountId: z.string().uuid(),
  operationType: z.enum(['query', 'mutation', 'subscription']),
  operationName: z.string().max(200).nullable(),
  fields: z.array(z.string().min(1).max(200)).max(50),
});
export type SupportRecord = z.infer<typeof supportRecordSchema>;

const cursorKey = z.tuple([z.iso.datetime(), z.string().uuid()]);

export interface OpenedSupportSession {
  supportSession: SupportSessionRow;
  accessToken: string;
  accessTokenExpiresAt: Date;
}

/**
 * Support sessions (decision 0030): an operator enters one association for a while with a reason, gets an access
 * token for it that ends with the session and cannot be refreshed, and every operation in it is logged where the
 * board reads it. Closing ends the token at once.
 */
export class SupportService {
  constructor(
    private readonly repository: SupportRepository,
    private readonly signer: AccessTokenSigner,
    /** Keeps an ended support session's id as long as its token could live. */
    private readonly revocations: RevocationWriter,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async open(viewer: Viewer | null, rawInput: unknown): Promise<OpenedSupportSession> {
    const operator = requireOperatorOutsideSupport(viewer);
    const input = parseInput(openInput, rawInput);
    const facts = await this.repository.openingFacts(input.associationId, operator.accountId);
    if (!facts) throw notFound('The association');
    // Whole seconds, as the token's own times are, so the session and its token end at the same instant.
    const openedAt = new Date(Math.floor(this.now().getTime() / 1000) * 1000);
    const session: SupportSessionRow = {
      associationId: input.associationId,
      id: randomUUID(),
      accountId: operator.accountId,
      operatorEmail: facts.operatorEmail,
      reason: input.reason,
      openedAt,
      expiresAt: new Date(openedAt.getTime() + input.minutes * 60_000),
      closedAt: null,
      openedInSessionId: operator.sessionId,
    };
    await this.repository.open(session);
    const access = await this.signer.sign(
      {
        accountId: operator.accountId,
        associationId: session.associationId,
        memberId: null,
        role: null,
        platformAdmin: true,
        sessionId: session.id,
        support: { expiresAt: session.expiresAt.toISOString() },
      },
      input.minutes * 60,
      openedAt,
    );
    return { supportSession: session, accessToken: access.token, accessTokenExpiresAt: access.expiresAt };
  }

  /** Closes one of the operator's own sessions and ends its token on every gateway at once. */
  async close(viewer: Viewer | null, rawInput: unknown): Promise<SupportSessionRow> {
    const operator = requireOperator(viewer);
    const { id } = parseInput(closeInput, rawInput);
    const session = await this.repository.close(id, operator.accountId, this.now());
    if (!session) throw notFound('The support session');
    await this.revocations.endSessions([session.id]);
    return session;
  }

  /**
   * Logs an operation the gateway is about to run; false when the session is closed, expired or someone else's, or
   * the operator's login it was opened in has ended.
   */
  record(entry: SupportRecord): Promise<boolean> {
    const now = this.now();
    return this.repository.record({ ...entry, at: now }, now);
  }

  async sessions(
    viewer: Viewer | null,
    associationId: string,
    first: number | null | undefined,
    after: string | null | undefined,
  ): Promise<Page<SupportSessionRow>> {
    if (!canSeeSupportAccess(viewer, associationId)) throw forbidden("Only the association's board sees who accessed its data.");
    const size = pageSize(first);
    const rows = await this.repository.sessions(associationId, size, afterOf(after));
    return toPage(rows, size, (row) => [row.openedAt.toISOString(), row.id]);
  }

  async entries(
    viewer: Viewer | null,
    session: SupportSessionRow,
    first: number | null | undefined,
    after: string | null | undefined,
  ): Promise<Page<SupportAccessEntryRow>> {
    if (!canSeeSupportSession(viewer, session)) throw forbidden("Only the association's board sees who accessed its data.");
    const size = pageSize(first, 50);
    const rows = await this.repository.entries(session.associationId, session.id, size, afterOf(after));
    return toPage(rows, size, (row) => [row.at.toISOString(), row.id]);
  }
}

function afterOf(cursor: string | null | undefined): After | null {
  if (!cursor) return null;
  const [at, id] = decodeCursor(cursor, cursorKey);
  return { at: new Date(at), id };
}
