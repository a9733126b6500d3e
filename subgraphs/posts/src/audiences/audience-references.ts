import { badUserInput, requireReference, type MemberReferences, type MemberViewer } from '@tunet/kit';
import type { Audience, GroupMembershipSource } from './audiences';

/**
 * What an audience names must be the association's own: a building or committee members knows (asked over its
 * signed internal route), or one of posts' own groups. Otherwise the post or document would be kept for nobody,
 * or for another association's people.
 */
export class AudienceReferences {
  constructor(
    private readonly members: MemberReferences,
    private readonly groups: Pick<GroupMembershipSource, 'hasGroup'>,
  ) {}

  async require(viewer: MemberViewer, audience: Audience, field = 'audience.id'): Promise<void> {
    switch (audience.kind) {
      case 'association':
      case 'board':
        return;
      case 'group':
        if (!(await this.groups.hasGroup(viewer, audience.id))) throw badUserInput(field, `${field}: no such group in this association.`);
        return;
      case 'building':
        return requireReference(this.members, viewer.associationId, 'buildingIds', audience.id, field);
      case 'committee':
        return requireReference(this.members, viewer.associationId, 'committeeIds', audience.id, field);
    }
  }

  /** A committee of the association, for a document's editors. */
  requireCommittee(viewer: MemberViewer, committeeId: string, field: string): Promise<void> {
    return requireReference(this.members, viewer.associationId, 'committeeIds', committeeId, field);
  }
}
