import { randomUUID } from 'node:crypto';
import type { Viewer } from '@tunet/kit';
import type { ServiceRequestStatus } from '../tables';
import { canComment, handles, visibleCommentKinds } from '../comments/comments.access';
import { mayAddPhotos } from '../photos/photos.access';
import { canChangeStatus, canSeeRequest, isAssignee as isRequestAssignee } from '../service-requests/service-requests.access';
import { assigneeMayMoveTo, canAssign, isAssignable, isAssignee } from './assignments.access';
import { checkSupplier } from './assignments.rules';

const A = randomUUID();
const B = randomUUID();
const caretaker = randomUUID();

function member(role: Viewer['role'], memberId: string = randomUUID(), associationId = A): Viewer {
  return { accountId: randomUUID(), associationId, memberId, role, platformAdmin: false, sessionId: randomUUID() };
}
const operator: Viewer = {
  accountId: randomUUID(),
  associationId: A,
  memberId: null,
  role: null,
  platformAdmin: true,
  sessionId: randomUUID(),
  support: { expiresAt: new Date(Date.now() + 3_600_000).toISOString() },
};
const integrator: Viewer = {
  accountId: randomUUID(),
  associationId: A,
  memberId: null,
  role: null,
  platformAdmin: false,
  sessionId: null,
  integration: { apiKeyId: randomUUID(), scopes: ['members:read', 'members:import', 'charges:read'] },
};

describe('assignment', () => {
  it("only the association's board assigns", () => {
    expect(canAssign(member('board'), A)).toBe(true);
    expect(canAssign(member('board', randomUUID(), B), A)).toBe(false);
    for (const viewer of [member('resident'), member('external', caretaker), operator, integrator, null]) expect(canAssign(viewer, A)).toBe(false);
  });

  it('assigns to a current caretaker or board member, never a resident, a former or a suspended member, or nobody known', () => {
    expect(isAssignable({ roles: ['external'], suspended: false })).toBe(true);
    expect(isAssignable({ roles: ['board', 'resident'], suspended: false })).toBe(true);
    expect(isAssignable({ roles: ['resident'], suspended: false })).toBe(false);
    expect(isAssignable({ roles: [], suspended: false })).toBe(false);
    expect(isAssignable({ roles: ['external'], suspended: true })).toBe(false);
    expect(isAssignable(null)).toBe(false);
  });

  it('the assignee is the member the request is assigned to, in its association only', () => {
    const request = { associationId: A, assigneeMemberId: caretaker };
    expect(isAssignee(member('external', caretaker), request)).toBe(true);
    expect(isAssignee(member('external'), request)).toBe(false);
    expect(isAssignee(member('external', caretaker, B), request)).toBe(false);
    expect(isAssignee(member('external', caretaker), { associationId: A, assigneeMemberId: null })).toBe(false);
    expect(isAssignee(operator, request)).toBe(false);
  });

  it("assignee rights last only while the viewer's role is board or external: a board member who left the board loses them", () => {
    const boardMember = randomUUID();
    const request = {
      associationId: A,
      reporterMemberId: randomUUID(),
      assigneeMemberId: boardMember,
      locationKind: 'unit' as const,
      buildingId: null,
      visibleToResidents: false,
    };
    expect(isAssignee(member('board', boardMember), request)).toBe(true);
    expect(handles(member('board', boardMember), request)).toBe(true);
    const former = member('resident', boardMember);
    expect(isAssignee(former, request)).toBe(false);
    expect(isRequestAssignee(former, request)).toBe(false);
    expect(canSeeRequest(former, request)).toBe(false);
    expect(canChangeStatus(former, request, 'acknowledged', 'in_progress', assigneeMayMoveTo)).toBe(false);
    expect(visibleCommentKinds(former, request)).toEqual([]);
    expect(canComment(former, request, 'internal')).toBe(false);
    expect(mayAddPhotos(former, request)).toBe(false);
    expect(isRequestAssignee(member('external', boardMember), request)).toBe(true);
  });

  it('the assignee works the request through to resolved, but neither rejects nor closes it', () => {
    const every: ServiceRequestStatus[] = ['new', 'acknowledged', 'in_progress', 'waiting', 'resolved', 'closed', 'rejected'];
    expect(every.filter(assigneeMayMoveTo)).toEqual(['acknowledged', 'in_progress', 'waiting', 'resolved']);
  });
});

describe('supplier details', () => {
  it('keeps a firm with a way to reach it, trimmed, blanks as absent', () => {
    expect(checkSupplier({ name: ' Rørlegger Hansen AS ', contactName: ' ', email: 'post@hansen.example', phone: '' })).toEqual({
      name: 'Rørlegger Hansen AS',
      contactName: null,
      email: 'post@hansen.example',
      phone: null,
    });
    expect(checkSupplier({ name: 'Elektro', phone: '+47 22 33 44 55' }).phone).toBe('+47 22 33 44 55');
  });

  it.each([
    [{ name: '', phone: '22334455' }, 'supplier.name'],
    [{ name: 'x'.repeat(121), phone: '22334455' }, 'supplier.name'],
    [{ name: 'Firma', contactName: 'x'.repeat(121), phone: '22334455' }, 'supplier.contactName'],
    [{ name: 'Firma', email: 'not an address' }, 'supplier.email'],
    [{ name: 'Firma', email: `${'a'.repeat(250)}@example.com` }, 'supplier.email'],
    [{ name: 'Firma', phone: 'call me' }, 'supplier.phone'],
    [{ name: 'Firma' }, 'supplier'],
  ])('refuses %j on %s', (input, field) => {
    expect(() => checkSupplier(input)).toThrow(expect.objectContaining({ extensions: expect.objectContaining({ code: 'BAD_USER_INPUT', field }) }));
  });
});
