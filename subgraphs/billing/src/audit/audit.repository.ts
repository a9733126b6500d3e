import { randomUUID } from 'node:crypto';
import { and, desc, eq, lt, or } from 'drizzle-orm';
import type { SubgraphDatabase, Tx } from '@tunet/kit';
import { auditLog, type AuditActor } from '../tables';

export type AuditRow = typeof auditLog.$inferSelect;

/** Who made a change: an operator or a board member (by account, and member), or a sweep. */
export type AuditBy = { kind: 'operator'; accountId: string } | { kind: 'board'; accountId: string; memberId: string } | { kind: 'system' };

export interface AuditEntry {
  associationId: string;
  by: AuditBy;
  /** e.g. `subscription.started`, `subscription.cancelled`, `invoice.paid` */
  action: string;
  /** e.g. `subscription:<id>` */
  subject: string;
  before: object | null;
  after: object | null;
}

/**
 * Writes one audit row in the caller's transaction, so it commits or rolls back with the change it records. Every
 * billing change calls it: the mutations here and the sweeps (docs/decisions/0032).
 */
export async function writeAudit(tx: Tx, entry: AuditEntry): Promise<void> {
  const by = entry.by;
  await tx.insert(auditLog).values({
    associationId: entry.associationId,
    id: randomUUID(),
    actor: by.kind satisfies AuditActor,
    actorAccountId: by.kind === 'system' ? null : by.accountId,
    actorMemberId: by.kind === 'board' ? by.memberId : null,
    action: entry.action,
    subject: entry.subject,
    before: toJson(entry.before),
    after: toJson(entry.after),
  });
}

/** Dates become ISO strings, as they would on the wire. */
const toJson = (value: object | null) => (value === null ? null : (JSON.parse(JSON.stringify(value)) as Record<string, unknown>));

/** Where a page of the audit log starts: after this entry, newest first. */
export interface AuditPosition {
  at: Date;
  id: string;
}

export class AuditRepository {
  constructor(private readonly db: SubgraphDatabase) {}

  /** An association's audit entries, newest first, `limit` of them after `after`. */
  page(associationId: string, limit: number, after: AuditPosition | null): Promise<AuditRow[]> {
    return this.db.tenant(associationId, (tx) =>
      tx
        .select()
        .from(auditLog)
        .where(
          and(
            eq(auditLog.associationId, associationId),
            after ? or(lt(auditLog.at, after.at), and(eq(auditLog.at, after.at), lt(auditLog.id, after.id))) : undefined,
          ),
        )
        .orderBy(desc(auditLog.at), desc(auditLog.id))
        .limit(limit),
    );
  }
}
