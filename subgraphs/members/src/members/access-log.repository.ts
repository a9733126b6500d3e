import type { SubgraphDatabase, Viewer } from '@tunet/kit';
import { and, desc, eq } from 'drizzle-orm';
import { accessLog } from '../tables';
import type { ProfileField } from './members.access';

export type ReadField = ProfileField | 'name';

export type AccessLogRow = typeof accessLog.$inferSelect;

/** The access log: privileged reads of profile fields, for the privacy subgraph. */
export class AccessLogRepository {
  constructor(private readonly db: SubgraphDatabase) {}

  /** Everything recorded as read about one person, newest first. */
  readsOf(tenant: string, subjectMemberId: string): Promise<AccessLogRow[]> {
    return this.db.tenant(tenant, (tx) =>
      tx
        .select()
        .from(accessLog)
        .where(and(eq(accessLog.associationId, tenant), eq(accessLog.subjectMemberId, subjectMemberId)))
        .orderBy(desc(accessLog.readAt)),
    );
  }

  async record(tenant: string, viewer: Viewer, reads: { subjectMemberId: string; field: ReadField }[]): Promise<void> {
    await this.db.tenant(tenant, (tx) =>
      tx.insert(accessLog).values(
        reads.map((read) => ({
          associationId: tenant,
          viewerAccountId: viewer.accountId,
          viewerMemberId: viewer.memberId,
          ...read,
        })),
      ),
    );
  }
}
