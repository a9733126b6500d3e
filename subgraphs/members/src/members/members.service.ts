import { decodeCursor, isMember, notFound, pageSize, toPage, unauthenticated, type Page, type Viewer } from '@tunet/kit';
import { z } from 'zod';
import { canListMembers, canViewAssociation } from './members.access';
import type { MembersLoaders } from './members.loaders';
import type { AssociationRow, MemberListPosition, MemberRow, MembersRepository } from './members.repository';

/** Business rules for reading associations and members. */
export class MembersService {
  constructor(private readonly repository: MembersRepository) {}

  async me(viewer: Viewer | null, loaders: MembersLoaders): Promise<MemberRow> {
    if (!isMember(viewer)) throw unauthenticated();
    const member = await loaders.memberById.load(viewer.memberId);
    // A token can outlive the membership it was issued for; treat that as logged out.
    if (!member) throw unauthenticated('Your membership no longer exists. Log in again.');
    return member;
  }

  async association(viewer: Viewer | null, loaders: MembersLoaders, id: string): Promise<AssociationRow> {
    if (!viewer) throw unauthenticated();
    const association = canViewAssociation(viewer, id) ? await loaders.associationById.load(id) : null;
    if (!association) throw notFound('Association');
    return association;
  }

  async member(viewer: Viewer | null, loaders: MembersLoaders, id: string): Promise<MemberRow> {
    if (!viewer) throw unauthenticated();
    const member = await loaders.memberById.load(id);
    if (!member) throw notFound('Member');
    return member;
  }

  async listMembers(
    viewer: Viewer | null,
    associationId: string,
    first: number | null | undefined,
    after: string | null | undefined,
  ): Promise<Page<MemberRow>> {
    if (!viewer) throw unauthenticated();
    if (!canListMembers(viewer, associationId)) throw notFound('Association');
    const size = pageSize(first);
    const rows = await this.repository.listMembers(associationId, size + 1, after ? memberListPosition(after) : null);
    return toPage(rows, size, (row) => [row.displayName, row.id]);
  }
}

/** A cursor is [displayName, id], the member list's sort key. */
const cursorKey = z.tuple([z.string(), z.guid()]);

function memberListPosition(cursor: string): MemberListPosition {
  const [displayName, id] = decodeCursor(cursor, cursorKey);
  return { displayName, id };
}
