import type { Viewer } from '@tunet/kit';
import { canListMembers, canSeeEmail, canViewAssociation } from './members.access';
import type { MemberRow } from './members.repository';

const A = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa';
const B = 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb';
const SELF = '11111111-1111-4111-8111-111111111111';
const NEIGHBOUR = '22222222-2222-4222-8222-222222222222';

const member = (associationId: string, id: string, role: Viewer['role']): Viewer => ({
  accountId: id,
  associationId,
  memberId: id,
  role,
  platformAdmin: false,
});

// Integrators (API keys) arrive with the members issue; they hold an association but no membership.
const actors: Record<string, Viewer | null> = {
  anonymous: null,
  resident: member(A, SELF, 'resident'),
  board: member(A, SELF, 'board'),
  'other association': member(B, SELF, 'board'),
  integrator: { accountId: SELF, associationId: A, memberId: null, role: null, platformAdmin: false },
  'platform admin': { ...member(B, SELF, 'resident'), platformAdmin: true },
};

const neighbour: MemberRow = {
  associationId: A,
  id: NEIGHBOUR,
  accountId: NEIGHBOUR,
  displayName: 'Naboen',
  email: 'nabo@example.com',
  role: 'resident',
  unitId: null,
  createdAt: new Date(),
};

describe.each([
  //                      view A  list A  neighbour's e-mail
  ['anonymous', false, false, false],
  ['resident', true, true, false],
  ['board', true, true, true],
  ['other association', false, false, false],
  ['integrator', true, false, false],
  ['platform admin', true, true, true],
])('%s', (actor, viewAssociation, listMembers, seeEmail) => {
  const viewer = actors[actor] ?? null;
  it(`${viewAssociation ? 'may' : 'may not'} view the association`, () => {
    expect(canViewAssociation(viewer, A)).toBe(viewAssociation);
  });
  it(`${listMembers ? 'may' : 'may not'} list its members`, () => {
    expect(canListMembers(viewer, A)).toBe(listMembers);
  });
  it(`${seeEmail ? 'may' : 'may not'} see a neighbour's e-mail`, () => {
    expect(canSeeEmail(viewer, neighbour)).toBe(seeEmail);
  });
});

it('always lets members see their own e-mail', () => {
  expect(canSeeEmail(member(A, NEIGHBOUR, 'resident'), neighbour)).toBe(true);
});
