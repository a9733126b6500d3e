import { eventually } from '@tunet/kit/src/events/events.fixtures';
import { DEMO } from '@tunet/members';
import { codes, openE2E, type E2E } from './e2e.fixtures';

type Created = { secret: string; apiKey: { id: string; prefix: string; scopes: string[]; lastUsedAt: string | null; revokedAt: string | null } };
type Directory = { directory: { nodes: { id: string; displayName: string | null; email: string | null }[] } };

const CREATE = 'mutation ($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret apiKey { id prefix scopes lastUsedAt revokedAt } } }';
const REVOKE = 'mutation ($input: RevokeApiKeyInput!) { revokeApiKey(input: $input) { apiKey { id revokedAt } } }';
const LIST = 'query ($id: ID!) { association(id: $id) { apiKeys { id prefix scopes lastUsedAt revokedAt } } }';
const DIRECTORY = '{ directory(first: 50) { nodes { id displayName email } } }';
const MEMBER = 'query ($id: ID!) { member(id: $id) { id email } }';
const ASSOCIATION = 'query ($id: ID!) { association(id: $id) { name } }';

/** Short, so a revocation shows within the test; production trusts a verification for 60 s. */
const CACHE_SECONDS = 1;

describe('API keys for integrations, through the gateway', () => {
  let e2e: E2E;
  let kari: string;
  let ola: string;
  let eva: string;

  const createKey = async (token: string, scopes: string[]): Promise<Created> => {
    const result = await e2e.gql<{ createApiKey: Created }>(CREATE, { input: { name: 'OBOS forretningsfører', scopes } }, token);
    if (!result.data?.createApiKey) throw new Error(`createApiKey failed: ${JSON.stringify(result.errors)}`);
    return result.data.createApiKey;
  };
  const keysOfSolbakken = async () =>
    (await e2e.gql<{ association: { apiKeys: Created['apiKey'][] } }>(LIST, { id: DEMO.solbakken }, kari)).data!.association.apiKeys;

  beforeAll(async () => {
    e2e = await openE2E(undefined, { apiKeyCacheSeconds: CACHE_SECONDS });
    kari = (await e2e.login('kari@solbakken.example')).accessToken;
    ola = (await e2e.login('ola@solbakken.example')).accessToken;
    eva = (await e2e.login('eva@fjordly.example')).accessToken;
  });
  afterAll(() => e2e.close());

  it('lets the board create a key whose secret is shown only in the answer to createApiKey', async () => {
    const { secret, apiKey } = await createKey(kari, ['MEMBERS_READ']);
    expect(secret.startsWith(`${apiKey.prefix}_`)).toBe(true);
    expect(apiKey).toMatchObject({ scopes: ['MEMBERS_READ'], lastUsedAt: null, revokedAt: null });
    const listed = await keysOfSolbakken();
    expect(listed).toContainEqual(apiKey);
    expect(JSON.stringify(listed)).not.toContain(secret.slice(apiKey.prefix.length));
  });

  it('refuses residents: they cannot create keys or see them', async () => {
    const attempt = await e2e.gql(CREATE, { input: { name: 'Mitt eget', scopes: ['MEMBERS_READ'] } }, ola);
    expect(codes(attempt)).toEqual(['FORBIDDEN']);
    expect(codes(await e2e.gql(LIST, { id: DEMO.solbakken }, ola))).toEqual(['FORBIDDEN']);
  });

  it('lets an integration with members:read read the directory with e-mails, recorded in the access log', async () => {
    const { secret, apiKey } = await createKey(kari, ['MEMBERS_READ']);
    const result = await e2e.gql<Directory>(DIRECTORY, {}, secret);
    expect(result.status).toBe(200);
    expect(result.errors).toBeUndefined();
    const nodes = result.data!.directory.nodes;
    expect(nodes.find((m) => m.id === DEMO.kari)).toEqual({ id: DEMO.kari, displayName: 'Kari Nordmann', email: 'kari@solbakken.example' });
    // Kari sees the integration's read in the privacy subgraph's access log (decision 0039).
    await eventually(async () => {
      const log = await e2e.gql<{ myDataAccess: { nodes: { actorKind: string; fields: string[] }[] } }>(
        '{ myDataAccess(first: 100) { nodes { actorKind fields } } }',
        {},
        kari,
      );
      expect(log.data!.myDataAccess.nodes).toContainEqual({ actorKind: 'API_KEY', fields: expect.arrayContaining(['email']) as unknown });
    });
    expect((await keysOfSolbakken()).find((k) => k.id === apiKey.id)!.lastUsedAt).not.toBeNull();
  });

  it('gives a key without members:read nothing in members, and no board rights to any key', async () => {
    const { secret } = await createKey(kari, ['MEMBERS_IMPORT']);
    expect(codes(await e2e.gql(DIRECTORY, {}, secret))).toEqual(['NOT_FOUND']);
    expect(codes(await e2e.gql(MEMBER, { id: DEMO.ola }, secret))).toEqual(['NOT_FOUND']);
    expect(codes(await e2e.gql(ASSOCIATION, { id: DEMO.solbakken }, secret))).toEqual(['NOT_FOUND']);
    const reader = await createKey(kari, ['MEMBERS_READ', 'MEMBERS_IMPORT']);
    for (const key of [secret, reader.secret]) {
      expect(codes(await e2e.gql(CREATE, { input: { name: 'Mer', scopes: ['MEMBERS_READ'] } }, key))).toEqual(['FORBIDDEN']);
    }
  });

  it("never works for another association's data, and the other board cannot revoke it", async () => {
    const { secret, apiKey } = await createKey(kari, ['MEMBERS_READ']);
    expect(codes(await e2e.gql(ASSOCIATION, { id: DEMO.fjordly }, secret))).toEqual(['NOT_FOUND']);
    expect(codes(await e2e.gql(MEMBER, { id: DEMO.eva }, secret))).toEqual(['NOT_FOUND']);
    const directory = await e2e.gql<Directory>(DIRECTORY, {}, secret);
    expect(directory.data!.directory.nodes.map((m) => m.id)).not.toContain(DEMO.eva);
    expect(codes(await e2e.gql(REVOKE, { input: { apiKeyId: apiKey.id } }, eva))).toEqual(['NOT_FOUND']);
    expect((await e2e.gql(DIRECTORY, {}, secret)).status).toBe(200);
  });

  it('refuses a revoked key with HTTP 401 once the cached verification has expired', async () => {
    const { secret, apiKey } = await createKey(kari, ['MEMBERS_READ']);
    expect((await e2e.gql(DIRECTORY, {}, secret)).status).toBe(200);
    const revoked = await e2e.gql<{ revokeApiKey: { apiKey: { revokedAt: string | null } } }>(REVOKE, { input: { apiKeyId: apiKey.id } }, kari);
    expect(revoked.data!.revokeApiKey.apiKey.revokedAt).not.toBeNull();
    await new Promise((resolve) => setTimeout(resolve, CACHE_SECONDS * 1000 + 300));
    const refused = await e2e.gql(DIRECTORY, {}, secret);
    expect(refused.status).toBe(401);
    expect(codes(refused)).toEqual(['UNAUTHENTICATED']);
    expect(refused.data).toBeUndefined();
  });

  it('refuses keys nobody issued with HTTP 401, like a bad access token', async () => {
    for (const key of [`tunet_00000000_${'A'.repeat(43)}`, 'tunet_guess']) {
      const result = await e2e.gql(DIRECTORY, {}, key);
      expect(result.status).toBe(401);
      expect(codes(result)).toEqual(['UNAUTHENTICATED']);
    }
  });
});
