import type { ApiScope, Viewer } from '@tunet/kit';
import {
  canAdminister,
  canSeeField,
  canSeeName,
  canSeePrivateDetails,
  canUseDirectory,
  canViewAssociation,
  isPrivilegedRead,
  readerOf,
  requireBoard,
} from '../members/members.access';
import { memberRow } from '../members.fixtures';
import type { MemberRow } from '../members/members.repository';

const A = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa';
const B = 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb';
const KEY = '33333333-3333-4333-8333-333333333333';

const integrator = (scopes: ApiScope[]): Viewer => ({
  accountId: KEY,
  associationId: A,
  memberId: null,
  role: null,
  platformAdmin: false,
  sessionId: null,
  integration: { apiKeyId: KEY, scopes },
});

const person = (overrides: Partial<MemberRow> = {}) => memberRow({ associationId: A, id: '22222222-2222-4222-8222-222222222222', ...overrides });

describe.each([
  // integrator, view association, directory, e-mail and phone (even only_me), occupation, hidden name, loaders
  ['with members:read', integrator(['members:read']), true, true, true, false, false, true],
  ['with members:read and members:import', integrator(['members:read', 'members:import']), true, true, true, false, false, true],
  ['with only members:import', integrator(['members:import']), false, false, false, false, false, false],
])('an integrator %s', (_name, viewer, view, directory, contact, occupation, hiddenName, loads) => {
  const reserved = person({ visibility: { email: 'only_me', phone: 'only_me' } });
  it.each([
    ['view the association', () => canViewAssociation(viewer, A), view],
    ['use the directory', () => canUseDirectory(viewer, A), directory],
    ['see e-mail and phone, even kept to oneself', () => canSeeField(viewer, reserved, 'email', []) && canSeeField(viewer, reserved, 'phone', []), contact],
    ['see the occupation others see', () => canSeeField(viewer, person(), 'occupation', []), occupation],
    ['see a hidden name', () => canSeeName(viewer, person({ hideName: true })), hiddenName],
    ['load members, units and tenures', () => readerOf(viewer) === viewer, loads],
  ])('%s', (_operation, check, expected) => {
    expect(check()).toBe(expected);
  });

  it('never administers, sees private details or reads another association', () => {
    expect(canAdminister(viewer, A)).toBe(false);
    expect(() => requireBoard(viewer)).toThrow(expect.objectContaining({ extensions: expect.objectContaining({ code: 'FORBIDDEN' }) }));
    expect(canSeePrivateDetails(viewer, person())).toBe(false);
    expect(canViewAssociation(viewer, B)).toBe(false);
    expect(canUseDirectory(viewer, B)).toBe(false);
    expect(canSeeField(viewer, person({ associationId: B }), 'email', [])).toBe(false);
  });
});

describe('the access log', () => {
  it("records an integrator's reads of contact details, like the board's", () => {
    const reader = integrator(['members:read']);
    expect(isPrivilegedRead(reader, person(), 'email', [])).toBe(true);
    expect(isPrivilegedRead(reader, person(), 'phone', ['directory_contact'])).toBe(false);
    expect(isPrivilegedRead(integrator(['members:import']), person(), 'email', [])).toBe(false);
  });
});

it('leaves people who are not integrators to their own loaders', () => {
  const resident: Viewer = { ...integrator([]), integration: null, memberId: KEY, role: 'resident' };
  expect(readerOf(resident)).toBe(resident);
  expect(readerOf(null)).toBeNull();
});
