import type { RetentionCounts } from '@tunet/kit';
import type { SettingsRepository } from '../settings/settings.repository';
import type { MembersLookup } from './members-client';
import type { RequestsRepository } from './requests.repository';
import { cutoffsOf } from './retention.rules';

const PAGE = 500;

/**
 * One pass of the moved-out retention (docs/decisions/0036): asks members for everyone whose last tenure ended before
 * their association's retention period and who holds no other role, and opens an erasure request (reason
 * `retention`, asked by nobody) for each. A person with an open erasure gets no second one, and an erased person is
 * gone from members, so a second pass opens nothing. The requests job does the erasing.
 */
export async function movedOutPass(
  deps: { members: MembersLookup; settings: SettingsRepository; requests: RequestsRepository; subgraphs: readonly string[] },
  now: Date,
): Promise<RetentionCounts> {
  const { defaultCutoff, cutoffs, deferred } = cutoffsOf(now, await deps.settings.retentionPeriods());
  const zones = new Map<string, string>();
  let opened = 0;
  let after: { associationId: string; memberId: string } | null = null;
  for (;;) {
    const { members } = await deps.members.movedOut({ kind: 'privacy.moved-out', defaultCutoff, cutoffs, after, limit: PAGE });
    for (const { associationId, memberId } of members) {
      if (deferred.has(associationId)) continue;
      if (!zones.has(associationId)) zones.set(associationId, (await deps.members.timeZoneOf(associationId)) ?? 'Europe/Oslo');
      const { created } = await deps.requests.open({
        associationId,
        kind: 'erasure',
        subjectMemberId: memberId,
        requestedBy: null,
        reason: 'retention',
        receivedAt: now,
        timeZone: zones.get(associationId)!,
        subgraphs: deps.subgraphs,
      });
      if (created) opened++;
    }
    if (members.length < PAGE) break;
    const last = members[members.length - 1]!;
    after = { associationId: last.associationId, memberId: last.memberId };
  }
  return { requests: opened };
}
