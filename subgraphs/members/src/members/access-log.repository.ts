import type { SubgraphDatabase, Viewer } from '@tunet/kit';
import { and, eq } from 'drizzle-orm';
import { supportSessions } from '../tables';
import type { ProfileField } from './members.access';

export type ReadField = ProfileField | 'name';

/** Every read recorded now tells this as its operation: the profile fields the directory and Member show. */
export const PROFILE_READ = 'member profile read';

/** Who acts, as the access log tells actors apart: an integration's key, a member, else an operator's account. */
export function actorOf(viewer: Viewer) {
  if (viewer.integration) return { actorId: viewer.integration.apiKeyId, actorKind: 'api_key' as const };
  if (viewer.memberId && !viewer.support) return { actorId: viewer.memberId, actorKind: 'member' as const };
  return { actorId: viewer.accountId, actorKind: 'operator' as const };
}

/**
 * Privileged reads of profile fields, announced to the privacy subgraph's tamper-evident access log
 * (docs/decisions/0039) as `personal_data.accessed`: one event per request and association, one entry per person.
 */
export class AccessLogRepository {
  constructor(private readonly db: SubgraphDatabase) {}

  async record(tenant: string, viewer: Viewer, reads: { subjectMemberId: string; field: ReadField }[]): Promise<void> {
    const fields = new Map<string, ReadField[]>();
    for (const { subjectMemberId, field } of reads) fields.set(subjectMemberId, [...(fields.get(subjectMemberId) ?? []), field]);
    const at = new Date().toISOString();
    await this.db.tenant(tenant, async (tx) => {
      // An operator reads in a support session opened with a reason, which the person is shown.
      const [session] =
        viewer.support && viewer.sessionId
          ? await tx
              .select({ reason: supportSessions.reason })
              .from(supportSessions)
              .where(and(eq(supportSessions.associationId, tenant), eq(supportSessions.id, viewer.sessionId)))
          : [];
      const actor = actorOf(viewer);
      const entries = [...fields].map(([subjectId, read]) => ({
        subjectId,
        ...actor,
        fields: [...new Set(read)].sort(),
        operation: PROFILE_READ,
        reason: session?.reason ?? null,
        at,
      }));
      for (let i = 0; i < entries.length; i += 1000) {
        await this.db.outbox.add(tx, { topic: 'personal_data.accessed', associationId: tenant, payload: { entries: entries.slice(i, i + 1000) } });
      }
    });
  }
}
