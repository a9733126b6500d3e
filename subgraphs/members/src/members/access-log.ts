import DataLoader from 'dataloader';
import type { SubgraphDatabase, Viewer } from '@tunet/kit';
import { and, desc, eq } from 'drizzle-orm';
import { accessLog } from '../tables';
import type { ProfileField } from './members.access';
import type { MemberRow } from './members.repository';

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

/**
 * Per request: each privileged read is recorded once, and the reads of one resolver tick are written in one
 * statement per association, however many members a page shows.
 */
export function createReadRecorder(repository: AccessLogRepository, viewer: Viewer | null) {
  const loader = new DataLoader<{ member: MemberRow; field: ReadField }, true, string>(
    async (reads) => {
      if (!viewer) return reads.map(() => true as const);
      const byTenant = new Map<string, { subjectMemberId: string; field: ReadField }[]>();
      for (const { member, field } of reads) {
        byTenant.set(member.associationId, [...(byTenant.get(member.associationId) ?? []), { subjectMemberId: member.id, field }]);
      }
      await Promise.all([...byTenant].map(([tenant, rows]) => repository.record(tenant, viewer, rows)));
      return reads.map(() => true as const);
    },
    { cacheKeyFn: ({ member, field }) => `${member.id}:${field}` },
  );
  return (member: MemberRow, field: ReadField): Promise<true> => loader.load({ member, field });
}

export type ReadRecorder = ReturnType<typeof createReadRecorder>;
