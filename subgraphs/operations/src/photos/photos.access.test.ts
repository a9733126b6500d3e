import type { Viewer } from '@tunet/kit';
import type { AssignmentFacts, RequestFacts } from '../service-requests/service-requests.access';
import type { ServiceRequestStatus } from '../tables';
import { canRemovePhoto, mayAddPhotos, takesPhotosFrom } from './photos.access';

const A = '00000000-0000-4000-8000-00000000000a';
const B = '00000000-0000-4000-8000-00000000000b';
const member = (n: number) => `00000000-0000-4000-8000-00000000010${n}`;
const reporter: Viewer = { accountId: member(0), associationId: A, memberId: member(1), role: 'resident', platformAdmin: false, sessionId: null };
const neighbour: Viewer = { ...reporter, memberId: member(2) };
const board: Viewer = { ...reporter, memberId: member(4), role: 'board' };
const caretaker: Viewer = { ...reporter, memberId: member(5), role: 'external' };
const otherCaretaker: Viewer = { ...caretaker, memberId: member(7) };
const otherBoard: Viewer = { ...board, associationId: B };
const integration: Viewer = { ...reporter, role: null, memberId: null, integration: { apiKeyId: member(6), scopes: ['members:read'] } };
const operator: Viewer = { ...reporter, memberId: null, role: null, platformAdmin: true, support: { expiresAt: '2026-12-07T12:00:00Z' } };

const request = (status: ServiceRequestStatus): RequestFacts & AssignmentFacts & { status: ServiceRequestStatus } => ({
  associationId: A,
  reporterMemberId: reporter.memberId!,
  locationKind: 'building',
  buildingId: null,
  visibleToResidents: true,
  assigneeMemberId: caretaker.memberId,
  status,
});

describe('photos access', () => {
  it('the reporter, the board and the assignee add photos; nobody else', () => {
    const open = request('new');
    expect([reporter, board, caretaker].map((viewer) => mayAddPhotos(viewer, open))).toEqual([true, true, true]);
    expect([neighbour, otherCaretaker, otherBoard, integration, operator, null].map((viewer) => mayAddPhotos(viewer, open))).toEqual([
      false,
      false,
      false,
      false,
      false,
      false,
    ]);
  });

  it.each<[ServiceRequestStatus, boolean, boolean]>([
    ['new', true, true],
    ['acknowledged', true, true],
    ['in_progress', true, true],
    ['waiting', true, true],
    ['resolved', false, true],
    ['closed', false, false],
    ['rejected', false, false],
  ])('a %s request takes photos from the reporter: %s, from the board and the assignee: %s', (status, fromReporter, fromWorkers) => {
    expect(takesPhotosFrom(reporter, request(status))).toBe(fromReporter);
    expect(takesPhotosFrom(board, request(status))).toBe(fromWorkers);
    expect(takesPhotosFrom(caretaker, request(status))).toBe(fromWorkers);
  });

  it('whoever added a photo, or the board, removes it', () => {
    const byCaretaker = { uploadedByMemberId: caretaker.memberId! };
    expect([caretaker, board].map((viewer) => canRemovePhoto(viewer, request('new'), byCaretaker))).toEqual([true, true]);
    expect([reporter, otherBoard, integration, operator, null].map((viewer) => canRemovePhoto(viewer, request('new'), byCaretaker))).toEqual([
      false,
      false,
      false,
      false,
      false,
    ]);
    // Their own photo, once in another association's name (an id from elsewhere), is not theirs to remove there.
    expect(canRemovePhoto({ ...caretaker, associationId: B }, request('new'), byCaretaker)).toBe(false);
  });
});
