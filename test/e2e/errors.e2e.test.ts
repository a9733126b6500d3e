import { codes, openE2E, type E2E } from './e2e.fixtures';

describe('bad input and operational endpoints', () => {
  let e2e: E2E;
  let ola: string;

  beforeAll(async () => {
    e2e = await openE2E();
    ola = (await e2e.login('ola@solbakken.example')).accessToken;
  });
  afterAll(() => e2e.close());

  it('answers malformed JSON with HTTP 400', async () => {
    const response = await fetch(e2e.stack.gatewayUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query": ' });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ errors: [{ extensions: { code: 'BAD_REQUEST' } }] });
  });

  it('rejects unknown fields in validation', async () => {
    const result = await e2e.gql('{ me { id shoeSize } }', {}, ola);
    expect(codes(result)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    expect(result.errors?.[0]?.message).toMatch(/shoeSize/);
  });

  it('names the field when a variable has the wrong type', async () => {
    const result = await e2e.gql('mutation ($i: LoginInput!) { login(input: $i) { accessToken } }', {
      i: { email: 42, password: 'x' },
    });
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'INVALID_TYPE', field: 'email' });
  });

  it('names the field when an inline argument has the wrong type', async () => {
    const result = await e2e.gql('{ posts(first: "ten") { nodes { id } } }', {}, ola);
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
    const nested = await e2e.gql('mutation { login(input: { email: 1, password: "x" }) { accessToken } }');
    expect(nested.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'email' });
  });

  it('names the field when a variable of a custom scalar is invalid in the subgraph', async () => {
    const kari = (await e2e.login('kari@solbakken.example')).accessToken;
    const result = await e2e.gql(
      'mutation ($i: AddTenureInput!) { addTenure(input: $i) { tenure { id } } }',
      { i: { memberId: '00000000-0000-4000-8000-000000000000', unitId: '00000000-0000-4000-8000-000000000000', relation: 'OWNER', moveIn: '31.12.2020' } },
      kari,
    );
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'INVALID_FORMAT', format: 'date', field: 'moveIn' });
    expect(result.errors?.[0]?.message).toBe('Må være en dato på formen ÅÅÅÅ-MM-DD.');
  });

  it('refuses an invalid post without writing anything, naming the field', async () => {
    const count = async () =>
      (await e2e.gql<{ posts: { nodes: unknown[] } }>('{ posts(first: 100) { nodes { id } } }', {}, ola)).data?.posts.nodes.length ?? -1;
    const before = await count();
    const result = await e2e.gql('mutation ($i: CreatePostInput!) { createPost(input: $i) { post { id } } }', { i: { title: '   ', body: 'Hei' } }, ola);
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'title' });
    expect(await count()).toBe(before);
  });

  it('creates a post and shows it first in the feed, with its author', async () => {
    const created = await e2e.gql<{ createPost: { post: { id: string; author: { displayName: string } } } }>(
      'mutation ($i: CreatePostInput!) { createPost(input: $i) { post { id author { displayName } } } }',
      { i: { title: 'Sykkelbod ryddes', body: 'Merk sykkelen din innen fredag.' } },
      ola,
    );
    expect(created.errors).toBeUndefined();
    expect(created.data!.createPost.post.author.displayName).toBe('Ola Hansen');
    const feed = await e2e.gql<{ posts: { nodes: { id: string }[] } }>('{ posts(first: 1) { nodes { id } } }', {}, ola);
    expect(feed.data!.posts.nodes[0]!.id).toBe(created.data!.createPost.post.id);
  });

  it('serves health and readiness probes on the gateway and every subgraph', async () => {
    const urls = [e2e.stack.gatewayUrl, e2e.stack.subgraphUrls.members, e2e.stack.subgraphUrls.posts];
    for (const url of urls) {
      expect((await fetch(new URL('/healthz', url))).status).toBe(200);
      expect(await (await fetch(new URL('/readyz', url))).json()).toEqual({ status: 'ready' });
    }
  });
});
