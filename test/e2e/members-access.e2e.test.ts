import { DEMO } from '@tunet/members';
import {
  accessTokens,
  createApiKeySecret,
  createPlatformAdmin,
  matrixCaller,
  matrixTests,
  openE2E,
  tag,
  type E2E,
  type MatrixCall,
  type Outcome,
} from './e2e.fixtures';
import { loadOperation } from './first-party';

/**
 * Who may do what in the members subgraph, through the gateway: every query and mutation × every kind of caller.
 * Each cell is the first error code, or OK. Solbakken is the target; "other association" is Fjordly's board;
 * the platform admin is a Fjordly member with the platform flag, who acts as that member (an external), never as an
 * operator: an operator enters an association only through a support session (decision 0030, support-sessions e2e).
 * An operation without a target id acts in the caller's own association, so OK for another association's board means it changed its own, never Solbakken.
 * BAD_USER_INPUT for password operations means the caller got as far as the password check.
 */
/** A valid 1×1 PNG, the smallest picture a portrait upload takes. */
const ONE_PIXEL_PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
const ACTORS = ['anonymous', 'resident', 'board', 'other association', 'integrator (read)', 'integrator (import)', 'platform admin'] as const;
type Actor = (typeof ACTORS)[number];

describe('members access matrix', () => {
  let e2e: E2E;
  const tokens: Partial<Record<Actor, string>> = {};
  const ids: Record<string, string> = {};
  let call: MatrixCall<Actor>;

  beforeAll(async () => {
    e2e = await openE2E();
    call = matrixCaller(e2e, tokens);
    const { members } = e2e.stack;
    const platformAdmin = await createPlatformAdmin(e2e);
    Object.assign(
      tokens,
      await accessTokens(e2e, {
        resident: 'ola@solbakken.example',
        board: 'kari@solbakken.example',
        'other association': 'eva@fjordly.example',
        'platform admin': platformAdmin,
      } satisfies Partial<Record<Actor, string>>),
    );
    tokens['integrator (read)'] = await createApiKeySecret(e2e, tokens.board, ['MEMBERS_READ']);
    tokens['integrator (import)'] = await createApiKeySecret(e2e, tokens.board, ['MEMBERS_IMPORT']);

    const { housing, committees } = members.repositories;
    const [blokkA] = await housing.listBuildings(DEMO.solbakken);
    ids.building = blokkA!.id;
    ids.unit = (await housing.unitsInBuildings(DEMO.solbakken, [blokkA!.id]))[0]!.id;
    ids.kariTenure = (await housing.tenuresOf(DEMO.solbakken, 'member', [DEMO.kari], true))[0]!.id;
    ids.party = (await committees.listCommittees(DEMO.solbakken)).find((c) => c.kind === 'party')!.id;
    ids.perTerm = (await committees.termsOf(DEMO.solbakken, 'member', [DEMO.per], true))[0]!.id;
    const invited = await e2e.gql<{ inviteMember: { invitation: { id: string } } }>(
      'mutation { inviteMember(input: { email: "matrise@example.com", displayName: "Matrise", externalTitle: "Test" }) { invitation { id } } }',
      {},
      tokens.board,
    );
    ids.invitation = invited.data!.inviteMember.invitation.id;
    const created = await e2e.gql<{ createApiKey: { apiKey: { id: string } } }>(
      'mutation { createApiKey(input: { name: "Gammel nøkkel", scopes: [MEMBERS_READ] }) { apiKey { id } } }',
      {},
      tokens.board,
    );
    ids.apiKey = created.data!.createApiKey.apiKey.id;
    const job = await e2e.gql<{ importMembers: { job: { id: string } } }>(
      'mutation { importMembers(input: { mode: UPSERT, dryRun: true, rows: [{ shareNumber: "1", name: "Ola Hansen", relation: OWNER }] }) { job { id } } }',
      {},
      tokens.board,
    );
    ids.importJob = job.data!.importMembers.job.id;
  });
  afterAll(() => e2e.close());

  const operations: Record<string, (actor: Actor) => Promise<Outcome>> = {
    me: (a) => call(a, '{ me { id } }'),
    association: (a) => call(a, 'query ($id: ID!) { association(id: $id) { name } }', { id: DEMO.solbakken }),
    member: (a) => call(a, 'query ($id: ID!) { member(id: $id) { displayName } }', { id: DEMO.ola }),
    directory: (a) => call(a, '{ directory { nodes { id } } }'),
    unit: (a) => call(a, 'query ($id: ID!) { unit(id: $id) { number } }', { id: ids.unit }),
    'association.invitations': (a) => call(a, 'query ($id: ID!) { association(id: $id) { invitations { id } } }', { id: DEMO.solbakken }),
    'association.apiKeys': (a) => call(a, 'query ($id: ID!) { association(id: $id) { apiKeys { id } } }', { id: DEMO.solbakken }),
    importJob: (a) => call(a, 'query ($id: ID!) { importJob(id: $id) { status } }', { id: ids.importJob }),
    updateAssociation: (a) =>
      call(a, 'mutation ($id: ID!) { updateAssociation(input: { associationId: $id, city: "Oslo" }) { association { id } } }', { id: DEMO.solbakken }),
    createBuilding: (a) => call(a, 'mutation ($n: String!) { createBuilding(input: { name: $n }) { building { id } } }', { n: `Bygg ${tag(a)}` }),
    createUnit: (a) =>
      call(a, 'mutation ($b: ID!, $n: String!) { createUnit(input: { buildingId: $b, number: $n }) { unit { id } } }', { b: ids.building, n: `U${tag(a)}` }),
    addTenure: (a) =>
      call(a, 'mutation ($m: ID!, $u: ID!, $d: Date!) { addTenure(input: { memberId: $m, unitId: $u, relation: OCCUPANT, moveIn: $d }) { tenure { id } } }', {
        m: DEMO.jonas,
        u: ids.unit,
        d: `20${10 + ACTORS.indexOf(a)}-01-01`,
      }),
    updateTenure: (a) =>
      call(a, 'mutation ($t: ID!) { updateTenure(input: { tenureId: $t, contractNumber: "K-1" }) { tenure { id } } }', { t: ids.kariTenure }),
    recordMoveOut: (a) =>
      call(a, 'mutation ($t: ID!) { recordMoveOut(input: { tenureId: $t, moveOut: "2099-12-31" }) { tenure { id } } }', { t: ids.kariTenure }),
    createCommittee: (a) =>
      call(a, 'mutation ($n: String!) { createCommittee(input: { kind: CUSTOM, name: $n }) { committee { id } } }', { n: `Komité ${tag(a)}` }),
    appointToCommittee: (a) =>
      call(
        a,
        'mutation ($c: ID!, $m: ID!, $d: Date!) { appointToCommittee(input: { committeeId: $c, memberId: $m, role: MEMBER, termFrom: $d, termTo: $d }) { term { id } } }',
        {
          c: ids.party,
          m: DEMO.ola,
          d: `20${10 + ACTORS.indexOf(a)}-01-01`,
        },
      ),
    endCommitteeTerm: (a) =>
      call(a, 'mutation ($t: ID!) { endCommitteeTerm(input: { termId: $t, termTo: "2099-12-31" }) { term { id } } }', { t: ids.perTerm }),
    suspendMember: (a) => call(a, 'mutation ($m: ID!) { suspendMember(input: { memberId: $m, reason: "Test" }) { member { id } } }', { m: DEMO.jonas }),
    reinstateMember: (a) => call(a, 'mutation ($m: ID!) { reinstateMember(input: { memberId: $m }) { member { id } } }', { m: DEMO.jonas }),
    updateMyProfile: (a) => call(a, 'mutation { updateMyProfile(input: { occupation: "Tester" }) { member { id } } }'),
    // Portraits and directory search (decision 0047): one's own portrait, so any member may, an API key may not.
    directorySearch: (a) => call(a, loadOperation('directory-search'), { search: 'Blokk' }),
    setMyPortrait: (a) => call(a, loadOperation('set-my-portrait'), { input: { fileName: 'meg.png', contentBase64: ONE_PIXEL_PNG } }),
    removeMyPortrait: (a) => call(a, 'mutation { removeMyPortrait { member { id } } }'),
    changePassword: (a) => call(a, 'mutation { changePassword(input: { currentPassword: "wrong", newPassword: "a-long-new-password" }) { endedSessions } }'),
    requestEmailChange: (a) => call(a, 'mutation { requestEmailChange(input: { newEmail: "ny@example.com", password: "wrong" }) { pendingEmail } }'),
    inviteMember: (a) =>
      call(a, 'mutation ($e: String!) { inviteMember(input: { email: $e, displayName: "Ny", externalTitle: "Test" }) { invitation { id } } }', {
        e: `${tag(a)}@invite.example`,
      }),
    resendInvitation: (a) => call(a, 'mutation ($i: ID!) { resendInvitation(input: { invitationId: $i }) { invitation { id } } }', { i: ids.invitation }),
    revokeInvitation: (a) => call(a, 'mutation ($i: ID!) { revokeInvitation(input: { invitationId: $i }) { invitation { id } } }', { i: ids.invitation }),
    createApiKey: (a) => call(a, 'mutation { createApiKey(input: { name: "Ny nøkkel", scopes: [MEMBERS_READ] }) { secret } }'),
    revokeApiKey: (a) => call(a, 'mutation ($k: ID!) { revokeApiKey(input: { apiKeyId: $k }) { apiKey { id } } }', { k: ids.apiKey }),
    importMembers: (a) =>
      call(
        a,
        'mutation { importMembers(input: { mode: UPSERT, dryRun: true, rows: [{ shareNumber: "1", name: "Ola Hansen", relation: OWNER }] }) { job { id } } }',
      ),
    // Account flows (decision 0046): a link's token is all an anonymous caller needs; a wrong one is BAD_USER_INPUT.
    // Switching names Solbakken: the current association of its members (ALREADY_IN_ASSOCIATION), no membership of the
    // other association's (NOT_A_MEMBER); members.e2e switches Eva into her other association.
    myMemberships: (a) => call(a, '{ myMemberships { associationId } }'),
    switchAssociation: (a) => call(a, 'mutation ($id: ID!) { switchAssociation(input: { associationId: $id }) { accessToken } }', { id: DEMO.solbakken }),
    invitationPreview: (a) => call(a, '{ invitationPreview(token: "not-a-link") { associationName } }'),
    requestPasswordReset: (a) =>
      call(a, 'mutation ($e: String!) { requestPasswordReset(input: { email: $e }) { linkValidMinutes } }', { e: `${tag(a)}@reset.example` }),
    resetPassword: (a) => call(a, 'mutation { resetPassword(input: { token: "not-a-link", newPassword: "a-long-new-password" }) { email } }'),
  };

  const U = 'UNAUTHENTICATED';
  const F = 'FORBIDDEN';
  const N = 'NOT_FOUND';
  const B = 'BAD_USER_INPUT';
  // prettier-ignore
  const expected: Record<string, Outcome[]> = {
    //                        anonymous resident board other   int(read) int(import) platform admin
    me:                        [U,       'OK',    'OK', 'OK',   F,        F,          'OK'],
    association:               [U,       'OK',    'OK', N,      'OK',     N,          'OK'],
    member:                    [U,       'OK',    'OK', N,      'OK',     N,          N],
    directory:                 [U,       'OK',    'OK', 'OK',   'OK',     N,          'OK'],
    unit:                      [U,       'OK',    'OK', N,      'OK',     N,          N],
    'association.invitations': [U,       F,       'OK', N,      F,        N,          F],
    'association.apiKeys':     [U,       F,       'OK', N,      F,        N,          F],
    importJob:                 [U,       F,       'OK', N,      F,        'OK',       F],
    updateAssociation:         [U,       F,       'OK', N,      F,        F,          F],
    createBuilding:            [U,       F,       'OK', 'OK',   F,        F,          F],
    createUnit:                [U,       F,       'OK', B,      F,        F,          F],
    addTenure:                 [U,       F,       'OK', B,      F,        F,          F],
    updateTenure:              [U,       F,       'OK', N,      F,        F,          F],
    recordMoveOut:             [U,       F,       'OK', N,      F,        F,          F],
    createCommittee:           [U,       F,       'OK', 'OK',   F,        F,          F],
    appointToCommittee:        [U,       F,       'OK', B,      F,        F,          F],
    endCommitteeTerm:          [U,       F,       'OK', N,      F,        F,          F],
    suspendMember:             [U,       F,       'OK', N,      F,        F,          F],
    reinstateMember:           [U,       F,       'OK', N,      F,        F,          F],
    updateMyProfile:           [U,       'OK',    'OK', 'OK',   F,        F,          'OK'],
    directorySearch:           [U,       'OK',    'OK', 'OK',   'OK',     N,          'OK'],
    setMyPortrait:             [U,       'OK',    'OK', 'OK',   F,        F,          'OK'],
    removeMyPortrait:          [U,       'OK',    'OK', 'OK',   F,        F,          'OK'],
    changePassword:            [U,       B,       B,    B,      F,        F,          B],
    requestEmailChange:        [U,       B,       B,    B,      F,        F,          B],
    inviteMember:              [U,       F,       'OK', 'OK',   F,        F,          F],
    resendInvitation:          [U,       F,       'OK', N,      F,        F,          F],
    revokeInvitation:          [U,       F,       'OK', N,      F,        F,          F],
    createApiKey:              [U,       F,       'OK', 'OK',   F,        F,          F],
    revokeApiKey:              [U,       F,       'OK', N,      F,        F,          F],
    importMembers:             [U,       F,       'OK', 'OK',   F,        'OK',       F],
    myMemberships:             [U,       'OK',    'OK', 'OK',   F,        F,          'OK'],
    switchAssociation:         [U,       B,       B,    B,      F,        F,          B],
    invitationPreview:         [B,       B,       B,    B,      B,        B,          B],
    requestPasswordReset:      ['OK',    'OK',    'OK', 'OK',   'OK',     'OK',       'OK'],
    resetPassword:             [B,       B,       B,    B,      B,        B,          B],
  };

  matrixTests(ACTORS, operations, expected);
});
