import { AccessTokenVerifier } from '@tunet/kit';
import { DEMO, DEMO_OPERATOR_EMAIL, DEMO_PASSWORD } from '../members.demo';
import { errorOf, openMembersTestBed, type MembersTestBed } from '../members.fixtures';

/** A platform operator belongs to no association, yet logs in, refreshes and logs out like anyone (decision 0030). */
describe('operator sessions', () => {
  let bed: MembersTestBed;
  let verifier: AccessTokenVerifier;
  const auth = () => bed.subgraph.auth;
  const login = (address: string) => auth().login({ email: DEMO_OPERATOR_EMAIL, password: DEMO_PASSWORD }, address);

  beforeAll(async () => {
    bed = await openMembersTestBed();
    verifier = await AccessTokenVerifier.fromPem(bed.secrets.jwtPublicKey);
  });
  afterAll(() => bed.close());

  it('logs an operator without a membership in to a session in no association', async () => {
    const session = await login('10.9.0.1');
    const viewer = await verifier.verify(session.accessToken);
    expect(viewer).toEqual({
      accountId: DEMO.operator,
      associationId: null,
      memberId: null,
      role: null,
      platformAdmin: true,
      sessionId: expect.any(String),
    });
    expect(session.deviceToken).toEqual(expect.any(String));
  });

  it('refreshes an operator session in the same session, and ends it when a used token comes back', async () => {
    const first = await login('10.9.0.2');
    const second = await auth().refresh({ refreshToken: first.refreshToken });
    const [before, after] = await Promise.all([verifier.verify(first.accessToken), verifier.verify(second.accessToken)]);
    expect(after).toMatchObject({ accountId: DEMO.operator, associationId: null, platformAdmin: true, sessionId: before.sessionId });

    expect(await errorOf(auth().refresh({ refreshToken: first.refreshToken }))).toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(await errorOf(auth().refresh({ refreshToken: second.refreshToken }))).toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it('ends an operator session on logout', async () => {
    const session = await login('10.9.0.3');
    expect(await auth().logout({ refreshToken: session.refreshToken })).toBe(true);
    expect(await errorOf(auth().refresh({ refreshToken: session.refreshToken }))).toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(await auth().logout({ refreshToken: session.refreshToken })).toBe(false);
  });

  it('refuses an operator who names an association: support sessions are the only way in', async () => {
    expect(await errorOf(auth().login({ email: DEMO_OPERATOR_EMAIL, password: DEMO_PASSWORD, associationId: DEMO.fjordly }, '10.9.0.4'))).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'associationId',
    });
  });

  it('still refuses an account that is neither a member nor an operator', async () => {
    await auth().createAccount('nobody@tunet.example', DEMO_PASSWORD);
    expect(await errorOf(auth().login({ email: 'nobody@tunet.example', password: DEMO_PASSWORD }, '10.9.0.5'))).toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it('logs an operator who is also a member in as that member, as before', async () => {
    const accountId = await auth().createAccount('board-operator@tunet.example', DEMO_PASSWORD, true);
    await bed.subgraph.repositories.members.insertMembers(DEMO.fjordly, [
      { id: accountId, accountId, displayName: 'Styreoperatør', email: 'board-operator@tunet.example', externalTitle: null, hideName: false },
    ]);
    const session = await auth().login({ email: 'board-operator@tunet.example', password: DEMO_PASSWORD }, '10.9.0.6');
    expect(await verifier.verify(session.accessToken)).toMatchObject({ associationId: DEMO.fjordly, memberId: accountId, platformAdmin: true });
  });
});
