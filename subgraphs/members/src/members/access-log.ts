import DataLoader from 'dataloader';
import type { Announcement, Viewer } from '@tunet/kit';
import { actorOf, type AccessLogRepository, type ReadField } from './access-log.repository';
import type { MemberRow } from './members.repository';

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

/**
 * `personal_data.changed` for the privacy subgraph's access log (docs/decisions/0039): which of a member's fields (as the
 * GraphQL API names them) the viewer changed, by which operation; written in the transaction of the change.
 */
export function personalDataChanged(viewer: Viewer, subjectId: string, changed: readonly string[], operation: string): Announcement {
  const fields = [...new Set(changed)].sort();
  return { topic: 'personal_data.changed', payload: { subjectId, ...actorOf(viewer), fields, operation, at: new Date().toISOString() } };
}
