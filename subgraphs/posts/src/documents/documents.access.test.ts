import type { MemberRole, Viewer } from '@tunet/kit';
import { viewerAudiences } from '../audiences/audiences';
import { ASSOCIATION_X as X, ASSOCIATION_Y as Y, integratorOf, memberOf, PLATFORM_ADMIN } from '../posts.fixtures';
import {
  canChangeEditorCommittee,
  canCreateDocument,
  canEditDocument,
  canManageFolders,
  canReadDocuments,
  canSeeDocument,
  type DocumentFacts,
} from './documents.access';

const BUILDING_A = 'b0000000-0000-4000-8000-00000000000a';
const BUILDING_B = 'b0000000-0000-4000-8000-00000000000b';
const DUGNAD = 'c0000000-0000-4000-8000-000000000001';
const GROUP = 'd0000000-0000-4000-8000-000000000001';

/** A member who lives in building A unless told otherwise. */
const member = (associationId: string, role: MemberRole, committeeIds: string[] = [], buildingIds = [BUILDING_A]) =>
  memberOf(associationId, role, { scope: { buildingIds, committeeIds } });

const document = (audienceKind: DocumentFacts['audienceKind'], audienceId: string | null = null): DocumentFacts => ({
  associationId: X,
  audienceKind,
  audienceId,
  editorCommitteeId: DUGNAD,
});
// The columns of `sees`: who each document is for.
const documents = [
  document('association'),
  document('building', BUILDING_A),
  document('building', BUILDING_B),
  document('committee', DUGNAD),
  document('group', GROUP),
  document('board'),
];

/** Whether the viewer sees each of `documents`, as the loaders decide it (group memberships come from groups). */
function sees(viewer: Viewer | null, groupIds: string[] = []): boolean[] {
  const audiences =
    viewer && viewer.associationId && viewer.memberId && viewer.role
      ? viewerAudiences({ ...viewer, associationId: viewer.associationId, memberId: viewer.memberId, role: viewer.role }, groupIds)
      : null;
  return documents.map((d) => canSeeDocument(audiences, d));
}

const matrix: {
  actor: string;
  viewer: Viewer | null;
  read: boolean;
  folders: boolean;
  edit: boolean;
  changeEditors: boolean;
  sees: boolean[];
}[] = [
  { actor: 'anonymous', viewer: null, read: false, folders: false, edit: false, changeEditors: false, sees: [false, false, false, false, false, false] },
  {
    actor: 'resident of building A',
    viewer: member(X, 'resident'),
    read: true,
    folders: false,
    edit: false,
    changeEditors: false,
    sees: [true, true, false, false, false, false],
  },
  {
    actor: 'resident on the editing committee',
    viewer: member(X, 'resident', [DUGNAD]),
    read: true,
    folders: false,
    edit: true,
    changeEditors: false,
    sees: [true, true, false, true, false, false],
  },
  {
    actor: 'board member',
    viewer: member(X, 'board', [], []),
    read: true,
    folders: true,
    edit: true,
    changeEditors: true,
    sees: [true, true, true, true, true, true],
  },
  {
    actor: 'external (caretaker)',
    viewer: member(X, 'external', [], []),
    read: true,
    folders: false,
    edit: false,
    changeEditors: false,
    sees: [true, false, false, false, false, false],
  },
  {
    actor: 'board member of another association',
    viewer: member(Y, 'board', [DUGNAD]),
    read: false,
    folders: false,
    edit: false,
    changeEditors: false,
    sees: [false, false, false, false, false, false],
  },
  {
    actor: 'integration with an API key',
    viewer: integratorOf(X),
    read: false,
    folders: false,
    edit: false,
    changeEditors: false,
    sees: [false, false, false, false, false, false],
  },
  {
    actor: 'platform admin without membership',
    viewer: PLATFORM_ADMIN,
    read: false,
    folders: false,
    edit: false,
    changeEditors: false,
    sees: [false, false, false, false, false, false],
  },
];

describe('documents access', () => {
  it.each(matrix)('$actor: read $read, folders $folders, edit $edit, choose editors $changeEditors', ({ viewer, read, folders, edit, changeEditors }) => {
    expect(canReadDocuments(viewer, X)).toBe(read);
    expect(canManageFolders(viewer, X)).toBe(folders);
    expect(canEditDocument(viewer, document('association'))).toBe(edit);
    expect(canCreateDocument(viewer, X, DUGNAD)).toBe(edit);
    expect(canChangeEditorCommittee(viewer, X)).toBe(changeEditors);
  });

  it.each(matrix)('$actor sees documents for: association, building A, building B, committee, group, board = $sees', ({ viewer, sees: expected }) => {
    expect(sees(viewer)).toEqual(expected);
  });

  it('shows a group document to the members of the group', () => {
    expect(sees(member(X, 'resident'), [GROUP])[4]).toBe(true);
  });

  it('lets only the board edit or create a document without an editing committee', () => {
    const boardOnly = { associationId: X, editorCommitteeId: null };
    expect(canEditDocument(member(X, 'resident', [DUGNAD]), boardOnly)).toBe(false);
    expect(canCreateDocument(member(X, 'resident', [DUGNAD]), X, null)).toBe(false);
    expect(canEditDocument(member(X, 'board'), boardOnly)).toBe(true);
  });
});
