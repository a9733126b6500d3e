import type { Viewer } from '@tunet/kit';
import {
  canAdminister,
  canSeeField,
  canSeeName,
  canSeeExternalTitle,
  canSeePrivateDetails,
  canSeeVisibilitySettings,
  canUseDirectory,
  canViewAssociation,
  hiddenByRestriction,
  isPrivilegedRead,
  withdrawnByRestriction,
} from './members.access';
import { memberRow } from '../members.fixtures';
import type { MemberRow } from './members.repository';

const A = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa';
const B = 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb';
const VIEWER = '11111111-1111-4111-8111-111111111111';
const NEIGHBOUR = '22222222-2222-4222-8222-222222222222';

const member = (associationId: string, role: Viewer['role'], memberId: string | null = VIEWER): Viewer => ({
  accountId: VIEWER,
  associationId,
  memberId,
  role,
  platformAdmin: false,
  sessionId: null,
});

// Integrators (API keys) hold an association but no membership; former members a membership but no role.
const actors: Record<string, Viewer | null> = {
  anonymous: null,
  resident: member(A, 'resident'),
  board: member(A, 'board'),
  external: member(A, 'external'),
  'former member': member(A, null),
  'other association': member(B, 'board'),
  integrator: member(A, null, null),
  // Decision 0030: an operator reads the register of associations, and what is inside one only in a support session.
  'platform operator': { ...member(A, null, null), associationId: null, platformAdmin: true },
  'operator in a support session': { ...member(A, null, null), platformAdmin: true, support: { expiresAt: '2026-12-06T20:00:00.000Z' } },
  'operator in a support session elsewhere': { ...member(B, null, null), platformAdmin: true, support: { expiresAt: '2026-12-06T20:00:00.000Z' } },
};

/** The neighbour's consents in force (privacy's states): none, contact details, portrait. */
const NONE: string[] = [];
const CONTACT = ['directory_contact'];
const PORTRAIT = ['directory_portrait'];

const neighbour = (overrides: Partial<MemberRow> = {}) => memberRow({ associationId: A, id: NEIGHBOUR, accountId: NEIGHBOUR, ...overrides });

describe.each([
  // actor, view association, administer, directory, e-mail (default: board), occupation (default: residents),
  // occupation set to only_me, hidden name, private details
  ['anonymous', false, false, false, false, false, false, false, false],
  ['resident', true, false, true, false, true, false, false, false],
  ['board', true, true, true, true, true, false, true, true],
  ['external', true, false, true, false, true, false, false, false],
  ['former member', true, false, false, false, false, false, false, false],
  ['other association', false, false, false, false, false, false, false, false],
  ['integrator', true, false, false, false, false, false, false, false],
  ['platform operator', true, false, false, false, false, false, false, false],
  ['operator in a support session', true, true, true, true, true, false, true, true],
  ['operator in a support session elsewhere', true, false, false, false, false, false, false, false],
])('%s', (actor, view, administer, directory, email, occupation, privateOccupation, hiddenName, privateDetails) => {
  const viewer = actors[actor] ?? null;
  it.each([
    ['view the association', () => canViewAssociation(viewer, A), view],
    ['administer it', () => canAdminister(viewer, A), administer],
    ['use the directory', () => canUseDirectory(viewer, A), directory],
    ["see a neighbour's e-mail", () => canSeeField(viewer, neighbour(), 'email', NONE), email],
    ["see a neighbour's occupation", () => canSeeField(viewer, neighbour(), 'occupation', NONE), occupation],
    [
      'see an occupation kept to oneself',
      () => canSeeField(viewer, neighbour({ visibility: { occupation: 'only_me' } }), 'occupation', NONE),
      privateOccupation,
    ],
    ['see a hidden name', () => canSeeName(viewer, neighbour({ hideName: true })), hiddenName],
    ['see suspension and tenure history', () => canSeePrivateDetails(viewer, neighbour()), privateDetails],
  ])('%s', (_operation, check, expected) => {
    expect(check()).toBe(expected);
  });
});

describe('consent governs contact details and the portrait (decision 0038)', () => {
  it.each([
    // actor, phone without consent, phone with, portrait without, portrait with, hidden while restricted
    ['anonymous', false, false, false, false, true],
    ['resident', false, true, false, true, true],
    ['external', false, true, false, true, true],
    ['board', true, true, false, true, false],
    ['former member', false, false, false, false, true],
    ['other association', false, false, false, false, true],
    ['operator in a support session', true, true, false, true, false],
  ] as const)('%s', (actor, phone, phoneConsented, portrait, portraitConsented, hidden) => {
    const viewer = actors[actor] ?? null;
    expect(canSeeField(viewer, neighbour(), 'phone', NONE)).toBe(phone);
    expect(canSeeField(viewer, neighbour(), 'phone', CONTACT)).toBe(phoneConsented);
    expect(canSeeField(viewer, neighbour(), 'email', CONTACT)).toBe(phoneConsented);
    expect(canSeeField(viewer, neighbour(), 'portrait', NONE)).toBe(portrait);
    expect(canSeeField(viewer, neighbour(), 'portrait', PORTRAIT)).toBe(portraitConsented);
    expect(hiddenByRestriction(viewer, A)).toBe(hidden);
  });

  it('withdraws a restricted neighbour from residents and integrators, not from the board or themself, and when privacy cannot say', () => {
    const restricted = { [NEIGHBOUR]: '2026-12-01T10:00:00.000Z' };
    expect(withdrawnByRestriction(actors.resident!, neighbour(), restricted)).toBe(true);
    expect(withdrawnByRestriction(actors.resident!, neighbour(), {})).toBe(false);
    expect(withdrawnByRestriction(actors.resident!, neighbour(), null)).toBe(true);
    expect(withdrawnByRestriction(actors.board!, neighbour(), restricted)).toBe(false);
    expect(withdrawnByRestriction(member(A, 'resident', NEIGHBOUR), neighbour(), restricted)).toBe(false);
  });

  it('no longer reads the old visibility choice for a consent-governed field: the consent is the one source', () => {
    const chose = neighbour({ visibility: { phone: 'residents', portrait: 'residents' } });
    expect(canSeeField(actors.resident!, chose, 'phone', NONE)).toBe(false);
    expect(canSeeField(actors.resident!, chose, 'portrait', NONE)).toBe(false);
    expect(canSeeField(actors.resident!, neighbour({ visibility: { phone: 'only_me' } }), 'phone', CONTACT)).toBe(true);
  });

  it('records the board reading contact details only where no consent shows them', () => {
    expect(isPrivilegedRead(actors.board!, neighbour(), 'phone', NONE)).toBe(true);
    expect(isPrivilegedRead(actors.board!, neighbour(), 'phone', CONTACT)).toBe(false);
  });
});

describe('own profile and the board', () => {
  const self = member(A, 'resident', NEIGHBOUR);

  it('shows members everything of their own, including fields kept to themselves', () => {
    const private_ = neighbour({ hideName: true, visibility: { occupation: 'only_me', email: 'only_me' } });
    expect(canSeeName(self, private_)).toBe(true);
    expect(canSeeField(self, private_, 'occupation', NONE)).toBe(true);
    expect(canSeeField(self, private_, 'email', NONE)).toBe(true);
  });

  it('lets the board reach people by e-mail and phone even when they chose only_me', () => {
    const private_ = neighbour({ visibility: { email: 'only_me', phone: 'only_me' } });
    expect(canSeeField(actors.board!, private_, 'email', NONE)).toBe(true);
    expect(canSeeField(actors.board!, private_, 'phone', NONE)).toBe(true);
  });

  it('records only reads the board role made possible', () => {
    expect(isPrivilegedRead(actors.board!, neighbour(), 'email', NONE)).toBe(true);
    expect(isPrivilegedRead(actors.board!, neighbour(), 'occupation', NONE)).toBe(false);
    expect(isPrivilegedRead(actors.board!, neighbour({ hideName: true }), 'name', NONE)).toBe(true);
    expect(isPrivilegedRead(actors.resident!, neighbour(), 'occupation', NONE)).toBe(false);
    expect(isPrivilegedRead(member(A, 'board', NEIGHBOUR), neighbour(), 'email', NONE)).toBe(false);
  });
});

describe('visibility settings and external titles', () => {
  it('shows a member’s visibility settings to that member alone, not even to the board', () => {
    expect(canSeeVisibilitySettings(member(A, 'resident', NEIGHBOUR), neighbour())).toBe(true);
    expect(canSeeVisibilitySettings(actors.board!, neighbour())).toBe(false);
    expect(canSeeVisibilitySettings(actors['operator in a support session']!, neighbour())).toBe(false);
    expect(canSeeVisibilitySettings(null, neighbour())).toBe(false);
  });

  it.each([
    ['anonymous', false],
    ['resident', true],
    ['external', true],
    ['former member', true],
    ['integrator', true],
    ['other association', false],
    ['platform operator', false],
    ['operator in a support session', true],
  ] as const)('shows an external’s title to %s: %s', (actor, sees) => {
    expect(canSeeExternalTitle(actors[actor]!, neighbour({ externalTitle: 'Caretaker' }))).toBe(sees);
  });
});
