import type DataLoader from 'dataloader';
import { groupLoader, tenantLoader, type Viewer } from '@tunet/kit';
import type { CommitteeRow, CommitteesRepository, CommitteeTermRow } from './committees.repository';

export interface CommitteesLoaders {
  committeeById: DataLoader<string, CommitteeRow | null>;
  /** Every term of a committee, active first. */
  termsByCommittee: DataLoader<string, CommitteeTermRow[]>;
  /** Every term of a member, active first. */
  termsByMember: DataLoader<string, CommitteeTermRow[]>;
}

/** Per-request loaders for committees and terms of the viewer's association. */
export function createCommitteesLoaders(repository: CommitteesRepository, viewer: Viewer | null): CommitteesLoaders {
  return {
    committeeById: tenantLoader(viewer, (tenant, ids) => repository.findCommittees(tenant, ids)),
    termsByCommittee: groupLoader(
      viewer,
      (tenant, ids) => repository.termsOf(tenant, 'committee', ids, false),
      (t) => t.committeeId,
    ),
    termsByMember: groupLoader(
      viewer,
      (tenant, ids) => repository.termsOf(tenant, 'member', ids, false),
      (t) => t.memberId,
    ),
  };
}
