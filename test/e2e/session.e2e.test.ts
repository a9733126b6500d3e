import path from 'node:path';
import { decodeJwt, decodeProtectedHeader, importPKCS8, SignJWT } from 'jose';
import { startGateway } from '@tunet/gateway';
import {
  accessTokenKeyId,
  AccessTokenSigner,
  createLogger,
  generateSecrets,
  startSubgraphServer,
  type RunningServer,
  type Secrets,
  type Viewer,
} from '@tunet/kit';
import { createMembersSubgraph, DEMO } from '@tunet/members';
import { codes, openE2E, type E2E, type GraphQLResponse } from './e2e.fixtures';

const ME = '{ me { id displayName roles email association { name timeZone locale } tenures { relation active unit { number building { name } } } } }';

describe('sessions through the gateway', () => {
  let e2e: E2E;
  // A short access-token lifetime lets the expiry test use a real token instead of a forged one.
  beforeAll(async () => {
    e2e = await openE2E({ accessTokenTtlSeconds: 3 });
  });
  afterAll(() => e2e.close());

  it('logs in and answers `me` with the member and their association', async () => {
    const { accessToken } = await e2e.login('kari@solbakken.example');
    const result = await e2e.gql(ME, {}, accessToken);
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({
      me: {
        id: DEMO.kari,
        displayName: 'Kari Nordmann',
        roles: ['BOARD', 'RESIDENT'],
        email: 'kari@solbakken.example',
        association: { name: 'Solbakken borettslag', timeZone: 'Europe/Oslo', locale: 'NB' },
        tenures: [{ relation: 'OWNER', active: true, unit: { number: 'H0201', building: { name: 'Blokk A' } } }],
      },
    });
  });

  it('asks anonymous callers of `me` to log in', async () => {
    const result = await e2e.gql(ME);
    expect(codes(result)).toEqual(['UNAUTHENTICATED']);
    expect(result.data).toEqual({ me: null });
  });

  it('refuses the whole request, with HTTP 401, when the token is forged, foreign or mangled', async () => {
    const sign = async (privateKeyPem: string, audience: string) =>
      new SignJWT({ aid: DEMO.solbakken, mid: DEMO.kari, role: 'board', adm: true, sid: null })
        .setProtectedHeader({ alg: 'ES256' })
        .setSubject(DEMO.kari)
        .setIssuer('tunet')
        .setAudience(audience)
        .setExpirationTime('5m')
        .sign(await importPKCS8(privateKeyPem, 'ES256'));
    const foreign = await sign((await generateSecrets()).jwtPrivateKey, 'tunet-api');
    const wrongAudience = await sign(e2e.secrets.jwtPrivateKey, 'someone-else');
    for (const token of [foreign, wrongAudience, 'not.a.jwt']) {
      const result = await e2e.gql(ME, {}, token);
      expect(result.status).toBe(401);
      expect(codes(result)).toEqual(['UNAUTHENTICATED']);
      expect(result.data ?? null).toBeNull();
    }
  });

  it('stops accepting an access token once it expires', async () => {
    const { accessToken } = await e2e.login('ola@solbakken.example');
    expect((await e2e.gql(ME, {}, accessToken)).errors).toBeUndefined();
    await new Promise((resolve) => setTimeout(resolve, 4000));
    const expired = await e2e.gql(ME, {}, accessToken);
    expect(expired.status).toBe(401);
    expect(codes(expired)).toEqual(['UNAUTHENTICATED']);
  });

  it('rotates refresh tokens and ends the session when an old one is replayed', async () => {
    const refresh = (refreshToken: string) =>
      e2e.gql<{ refreshSession: { accessToken: string; refreshToken: string } }>(
        'mutation ($t: String!) { refreshSession(input: { refreshToken: $t }) { accessToken refreshToken } }',
        { t: refreshToken },
      );
    const first = await e2e.login('per@solbakken.example');
    const second = await refresh(first.refreshToken);
    expect(second.data?.refreshSession.refreshToken).toBeDefined();
    expect((await e2e.gql(ME, {}, second.data!.refreshSession.accessToken)).errors).toBeUndefined();

    expect(codes(await refresh(first.refreshToken))).toEqual(['UNAUTHENTICATED']);
    // The thief's replay also ended the legitimate holder's session.
    expect(codes(await refresh(second.data!.refreshSession.refreshToken))).toEqual(['UNAUTHENTICATED']);
  });

  it('logs out', async () => {
    const session = await e2e.login('aase@solbakken.example');
    const logout = await e2e.gql('mutation ($t: String!) { logout(input: { refreshToken: $t }) { loggedOut } }', {
      t: session.refreshToken,
    });
    expect(logout.data).toEqual({ logout: { loggedOut: true } });
    const after = await e2e.gql('mutation ($t: String!) { refreshSession(input: { refreshToken: $t }) { accessToken } }', {
      t: session.refreshToken,
    });
    expect(codes(after)).toEqual(['UNAUTHENTICATED']);
  });

  it('gives wrong e-mail and wrong password the same answer', async () => {
    const attempt = (email: string) => e2e.gql('mutation ($i: LoginInput!) { login(input: $i) { accessToken } }', { i: { email, password: 'wrong' } });
    const [unknown, wrong] = await Promise.all([attempt('ghost@solbakken.example'), attempt('jonas@solbakken.example')]);
    expect(codes(unknown)).toEqual(['UNAUTHENTICATED']);
    expect(unknown.errors?.[0]?.message).toBe(wrong.errors?.[0]?.message);
  });

  it("writes messages in the caller's Accept-Language, else in the association's language from the token", async () => {
    const board = await e2e.login('eva@fjordly.example');
    const toEnglish = await e2e.gql(
      'mutation ($input: UpdateAssociationInput!) { updateAssociation(input: $input) { association { locale } } }',
      { input: { associationId: DEMO.fjordly, locale: 'EN' } },
      board.accessToken,
    );
    expect(toEnglish.data).toEqual({ updateAssociation: { association: { locale: 'EN' } } });
    // The language is read when the session starts, like the roles.
    const { accessToken } = await e2e.login('eva@fjordly.example');
    const switchHere = async (acceptLanguage?: string) => {
      const response = await fetch(e2e.stack.gatewayUrl, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${accessToken}`,
          ...(acceptLanguage ? { 'accept-language': acceptLanguage } : {}),
        },
        body: JSON.stringify({
          query: 'mutation ($input: SwitchAssociationInput!) { switchAssociation(input: $input) { accessToken } }',
          variables: { input: { associationId: DEMO.fjordly } },
        }),
      });
      const body = (await response.json()) as { errors: { message: string; extensions: { reason: string } }[] };
      return { reason: body.errors[0]?.extensions.reason, message: body.errors[0]?.message };
    };
    expect(await switchHere()).toEqual({ reason: 'ALREADY_IN_ASSOCIATION', message: 'You are already logged in to that association.' });
    expect(await switchHere('nb-NO,nb;q=0.9')).toEqual({ reason: 'ALREADY_IN_ASSOCIATION', message: 'Du er allerede logget inn i den foreningen.' });
  });

  it("keeps the thrower's own text of a generic reason for a member who asked for no language", async () => {
    const { accessToken } = await e2e.login('kari@solbakken.example');
    const result = await e2e.gql(
      'mutation ($input: UpdateAssociationInput!) { updateAssociation(input: $input) { association { id } } }',
      { input: { associationId: DEMO.solbakken, postalCode: '12' } },
      accessToken,
    );
    expect(result.errors?.[0]).toMatchObject({ message: 'postalCode: must be four digits', extensions: { reason: 'INVALID_VALUE', field: 'postalCode' } });
  });

  describe('while the access-token key rotates (decision 0054)', () => {
    let rotated: { keys: Secrets; servers: RunningServer[]; both: string; newOnly: string };
    const ask = async (gatewayUrl: string, query: string, variables: Record<string, unknown>, token?: string) => {
      const response = await fetch(gatewayUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify({ query, variables }),
      });
      return { status: response.status, ...((await response.json()) as Omit<GraphQLResponse, 'status'>) };
    };
    const ME_ID = '{ me { id } }';

    // Step 2 of the procedure: gateways with the new key and the previous one; members signing with the new key
    // (its second replica, on the same database); and a gateway after step 4, the previous key dropped.
    beforeAll(async () => {
      const keys = await generateSecrets();
      const logger = createLogger('rotation');
      const members = await createMembersSubgraph({
        database: e2e.database.connection,
        store: e2e.store,
        jwtPrivateKey: keys.jwtPrivateKey,
        auth: { accessTokenTtlSeconds: 60 },
      });
      const membersServer = await startSubgraphServer(members.definition, { port: 0, internalSecret: e2e.secrets.internalSecret, store: e2e.store, logger });
      const gateway = (previous: string | null) =>
        startGateway({
          port: 0,
          supergraphPath: path.resolve(__dirname, '../../schema/supergraph.graphql'),
          subgraphUrls: { ...e2e.stack.subgraphUrls, members: membersServer.url },
          jwtPublicKey: keys.jwtPublicKey,
          jwtPreviousPublicKey: previous,
          internalSecret: e2e.secrets.internalSecret,
          introspection: false,
          store: e2e.store,
          logger,
        });
      const [both, newOnly] = [await gateway(e2e.secrets.jwtPublicKey), await gateway(null)];
      rotated = { keys, servers: [both, newOnly, membersServer], both: both.url, newOnly: newOnly.url };
    });
    afterAll(async () => {
      for (const server of rotated.servers) await server.stop();
    });

    it('accepts a token of the previous key until it is dropped; its session refreshes into a token of the new key', async () => {
      const { accessToken, refreshToken } = await e2e.login('ola@solbakken.example');
      // The stack's tokens live 3 s: the same viewer, signed by the previous key for a minute, as members did before.
      // Read from the claims, not verified: on a loaded machine the login's token may have expired by now.
      const claims = decodeJwt(accessToken) as { sub: string; aid: string; mid: string; role: Viewer['role']; sid: string; loc?: 'nb' | 'en' };
      const viewer: Viewer = {
        accountId: claims.sub,
        associationId: claims.aid,
        memberId: claims.mid,
        role: claims.role,
        platformAdmin: false,
        sessionId: claims.sid,
        ...(claims.loc ? { locale: claims.loc } : {}),
      };
      const previous = (await (await AccessTokenSigner.fromPem(e2e.secrets.jwtPrivateKey)).sign(viewer, 60)).token;
      expect(decodeProtectedHeader(previous).kid).toBe(await accessTokenKeyId(e2e.secrets.jwtPublicKey));

      expect(await ask(rotated.both, ME_ID, {}, previous)).toEqual({ status: 200, data: { me: { id: DEMO.ola } } });
      const dropped = await ask(rotated.newOnly, ME_ID, {}, previous);
      expect(dropped.status).toBe(401);
      expect(dropped.errors?.[0]?.extensions).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'TOKEN_KEY_UNKNOWN' });

      const refreshed = await ask(rotated.both, 'mutation ($t: String!) { refreshSession(input: { refreshToken: $t }) { accessToken } }', {
        t: refreshToken,
      });
      const next = (refreshed.data as { refreshSession: { accessToken: string } }).refreshSession.accessToken;
      expect(decodeProtectedHeader(next).kid).toBe(await accessTokenKeyId(rotated.keys.jwtPublicKey));
      for (const gatewayUrl of [rotated.both, rotated.newOnly]) {
        expect(await ask(gatewayUrl, ME_ID, {}, next)).toEqual({ status: 200, data: { me: { id: DEMO.ola } } });
      }
    });
  });
});
