import { DEMO, DEMO_OPERATOR_EMAIL } from '@tunet/members';
import { accessTokens, codes, createApiKeySecret, matrixCaller, matrixTests, openE2E, type E2E, type MatrixCall } from './e2e.fixtures';

const REASON = 'The board asked for help with the member list';
const OPEN = `mutation ($input: OpenSupportSessionInput!) {
  openSupportSession(input: $input) { accessToken supportSession { id operatorEmail reason openedAt expiresAt closedAt } }
}`;
const DIRECTORY = 'query ListResidents { directory(first: 5) { nodes { id } } }';
const SUPPORT_ACCESS = `query ($id: ID!) { association(id: $id) {
  supportAccess(first: 10) { nodes { id operatorEmail reason openedAt expiresAt closedAt entries(first: 10) { nodes { operationType operationName fields at } } } }
} }`;

/**
 * Support sessions through the gateway (decision 0030): an operator reads nothing inside an association without one,
 * every operation in one is logged where the board reads it, and a closed one's token is refused.
 */
describe('support sessions', () => {
  let e2e: E2E;
  let operator: string;
  let board: string;

  beforeAll(async () => {
    e2e = await openE2E();
    ({ operator, board } = await accessTokens(e2e, { operator: DEMO_OPERATOR_EMAIL, board: 'kari@solbakken.example' }));
  });
  afterAll(() => e2e.close());

  it('refuses an operator without a session, logs what they read in one, and ends its token on close', async () => {
    expect(codes(await e2e.gql(DIRECTORY, {}, operator))).toEqual(['FORBIDDEN']);
    expect(codes(await e2e.gql('query ($id: ID!) { association(id: $id) { buildings { id } } }', { id: DEMO.solbakken }, operator))).toEqual(['FORBIDDEN']);

    const opened = await e2e.gql<{ openSupportSession: { accessToken: string; supportSession: { id: string } } }>(
      OPEN,
      {
        input: { associationId: DEMO.solbakken, reason: REASON, minutes: 15 },
      },
      operator,
    );
    const { accessToken, supportSession } = opened.data!.openSupportSession;
    const read = await e2e.gql<{ directory: { nodes: unknown[] } }>(DIRECTORY, {}, accessToken);
    expect(read.errors).toBeUndefined();
    expect(read.data!.directory.nodes.length).toBeGreaterThan(0);

    const log = await e2e.gql<{ association: { supportAccess: { nodes: Record<string, unknown>[] } } }>(SUPPORT_ACCESS, { id: DEMO.solbakken }, board);
    expect(log.errors).toBeUndefined();
    expect(log.data!.association.supportAccess.nodes).toEqual([
      expect.objectContaining({
        id: supportSession.id,
        operatorEmail: DEMO_OPERATOR_EMAIL,
        reason: REASON,
        closedAt: null,
        entries: { nodes: [expect.objectContaining({ operationType: 'QUERY', operationName: 'ListResidents', fields: ['directory'] })] },
      }),
    ]);

    const closed = await e2e.gql(
      'mutation ($id: ID!) { closeSupportSession(input: { id: $id }) { supportSession { closedAt } } }',
      { id: supportSession.id },
      operator,
    );
    expect(closed.errors).toBeUndefined();
    expect(codes(await e2e.gql(DIRECTORY, {}, accessToken))).toEqual(['UNAUTHENTICATED']);
  });

  describe('access matrix', () => {
    const ACTORS = ['anonymous', 'resident', 'board', 'other association', 'integrator', 'operator'] as const;
    type Actor = (typeof ACTORS)[number];
    const tokens: Partial<Record<Actor, string>> = {};
    let call: MatrixCall<Actor>;
    let sessionId: string;

    beforeAll(async () => {
      Object.assign(
        tokens,
        await accessTokens(e2e, {
          resident: 'ola@solbakken.example',
          board: 'kari@solbakken.example',
          'other association': 'eva@fjordly.example',
          operator: DEMO_OPERATOR_EMAIL,
        }),
      );
      tokens.integrator = await createApiKeySecret(e2e, tokens.board, ['MEMBERS_READ']);
      call = matrixCaller(e2e, tokens);
      const opened = await e2e.gql<{ openSupportSession: { supportSession: { id: string } } }>(
        OPEN,
        {
          input: { associationId: DEMO.fjordly, reason: REASON },
        },
        tokens.operator,
      );
      sessionId = opened.data!.openSupportSession.supportSession.id;
    });

    //                                anonymous          resident     board        other assoc. integrator   operator
    matrixTests<Actor>(
      ACTORS,
      {
        openSupportSession: (actor) => call(actor, OPEN, { input: { associationId: DEMO.solbakken, reason: REASON } }),
        closeSupportSession: (actor) =>
          call(actor, 'mutation ($id: ID!) { closeSupportSession(input: { id: $id }) { supportSession { id } } }', { id: sessionId }),
        'Association.supportAccess': (actor) => call(actor, SUPPORT_ACCESS, { id: DEMO.solbakken }),
        setPasswordWithToken: (actor) =>
          call(actor, 'mutation { setPasswordWithToken(input: { token: "not-a-link", password: "a long new password" }) { email } }'),
      },
      {
        openSupportSession: ['UNAUTHENTICATED', 'FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN', 'OK'],
        closeSupportSession: ['UNAUTHENTICATED', 'FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN', 'OK'],
        'Association.supportAccess': ['UNAUTHENTICATED', 'FORBIDDEN', 'OK', 'NOT_FOUND', 'FORBIDDEN', 'FORBIDDEN'],
        setPasswordWithToken: ['BAD_USER_INPUT', 'BAD_USER_INPUT', 'BAD_USER_INPUT', 'BAD_USER_INPUT', 'BAD_USER_INPUT', 'BAD_USER_INPUT'],
      },
    );
  });
});
