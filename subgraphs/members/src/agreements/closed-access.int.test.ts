import { randomUUID } from 'node:crypto';
import { AccessTokenVerifier, API_KEY_VERIFY_ROUTE, type InternalRouteError, type RequestContext } from '@tunet/kit';
import { DEMO, DEMO_PASSWORD } from '../members.demo';
import { openMembersTestBed, osloDate, viewerOf, type MembersTestBed } from '../members.fixtures';
import { OPERATOR, refusalOf } from './agreements.fixtures';

/**
 * Terms §9: access closes on the termination day; §8: at once when blocked. Login, refresh and API keys of a closed
 * association are refused with the reason (decision 0034), and reopening lets people in again.
 */
describe('access to a closed association', () => {
  let bed: MembersTestBed;
  let verifier: AccessTokenVerifier;
  const eva = viewerOf(DEMO.fjordly, DEMO.eva, 'board');
  const login = (email: string, associationId?: string) => bed.subgraph.auth.login({ email, password: DEMO_PASSWORD, associationId }, '10.8.0.1');
  const fromProcess: RequestContext = { viewer: null, requestId: 'test', clientIp: '' };
  const verifyRoute = (key: string) =>
    bed.subgraph.definition.internalRoutes![API_KEY_VERIFY_ROUTE]!({ key }, fromProcess).then(
      (answer) => ({ status: 200, answer }),
      (error: InternalRouteError) => ({ status: error.status, answer: error.details }),
    );

  beforeAll(async () => {
    bed = await openMembersTestBed();
    verifier = await AccessTokenVerifier.fromPem(bed.secrets.jwtPublicKey);
  });
  afterAll(() => bed.close());

  it('refuses login, refresh and API keys of a blocked association with ASSOCIATION_BLOCKED, and lets them in again once reopened', async () => {
    const before = await login('eva@fjordly.example');
    const { secret } = await bed.subgraph.apiKeys.create(eva, { name: 'Forvalter', scopes: ['MEMBERS_READ'] });
    expect((await verifyRoute(secret)).status).toBe(200);

    await bed.subgraph.agreements.block(OPERATOR, { associationId: DEMO.fjordly, ground: 'ILLEGAL_USE', reason: 'Ulovlig innhold' });

    const blocked = { code: 'FORBIDDEN', reason: 'ASSOCIATION_BLOCKED', message: expect.stringContaining('blocked') };
    expect(await refusalOf(login('eva@fjordly.example'))).toMatchObject(blocked);
    expect(await refusalOf(bed.subgraph.auth.refresh({ refreshToken: before.refreshToken }))).toMatchObject(blocked);
    expect(await verifyRoute(secret)).toEqual({ status: 403, answer: { status: 'blocked', reason: 'ASSOCIATION_BLOCKED' } });

    await bed.subgraph.agreements.unblock(OPERATOR, { associationId: DEMO.fjordly });

    expect(await verifier.verify((await login('eva@fjordly.example')).accessToken)).toMatchObject({ associationId: DEMO.fjordly });
    expect((await verifyRoute(secret)).status).toBe(200);
    // Blocking ended every session: people log in anew after reopening.
    expect(await refusalOf(bed.subgraph.auth.refresh({ refreshToken: before.refreshToken }))).toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it('closes access on the termination day with ASSOCIATION_TERMINATED, and skips the closed membership when none is chosen', async () => {
    // Eva also sits in a second association, joined later; Fjordly is then ended by its board from today.
    const other = randomUUID();
    await bed.subgraph.repositories.members.insertAssociation({ id: other, name: 'Nabolaget sameie', timeZone: 'Europe/Oslo', locale: 'nb' });
    const evaAccount = (await verifier.verify((await login('eva@fjordly.example')).accessToken)).accountId;
    const before = await login('eva@fjordly.example', DEMO.fjordly);
    await bed.subgraph.repositories.members.insertMembers(other, [
      { id: randomUUID(), accountId: evaAccount, displayName: 'Eva Berg', email: 'eva@fjordly.example', externalTitle: 'Revisor' },
    ]);
    const { secret } = await bed.subgraph.apiKeys.create(eva, { name: 'Regnskap', scopes: ['MEMBERS_READ'] });
    await bed.subgraph.agreements.terminate({ ...eva, accountId: evaAccount }, { associationId: DEMO.fjordly, effectiveOn: osloDate(0) });
    expect(await bed.subgraph.agreements.completeDueTerminations()).toBe(1);

    const terminated = { code: 'FORBIDDEN', reason: 'ASSOCIATION_TERMINATED', message: expect.stringContaining('ended') };
    expect(await refusalOf(login('eva@fjordly.example', DEMO.fjordly))).toMatchObject(terminated);
    expect(await refusalOf(bed.subgraph.auth.refresh({ refreshToken: before.refreshToken }))).toMatchObject(terminated);
    expect(await verifyRoute(secret)).toEqual({ status: 403, answer: { status: 'terminated', reason: 'ASSOCIATION_TERMINATED' } });
    expect(await verifier.verify((await login('eva@fjordly.example')).accessToken)).toMatchObject({ associationId: other });
    expect((await bed.subgraph.agreements.agreement(OPERATOR, DEMO.fjordly)).association).toMatchObject({ status: 'terminated', terminatedOn: osloDate(0) });
  });
});
