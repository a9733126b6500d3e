import { createHash } from 'node:crypto';
import { RemoteGraphQLDataSource } from '@apollo/gateway';
import { QueryPlanner } from '@apollo/query-planner';
import { noisyPng } from '@tunet/kit/src/files/files.fixtures';
import { DEMO } from '@tunet/members';
import { aliases, fragmentBomb, POSTS_WITH_COMMENTS } from './operation-attacks';
import { codes, openE2E, type E2E, type GraphQLResponse } from './e2e.fixtures';

/** 50,000 tenures as a property manager exports them (4.3 MB), for units Solbakken does not have: a dry run rejects them. */
function importCsv(rows: number): string {
  const lines = ['andelsnummer;navn;e-post;telefon;relasjon;innflytting'];
  for (let i = 0; i < rows; i++) {
    lines.push(`${900000 + Math.floor(i / 2)};"Beboer ${i}, Hansen";beboer${i}@import.example;+47 9${String(i).padStart(7, '0')};eier;2020-01-15`);
  }
  return lines.join('\r\n');
}

describe('operation limits and the gateway error answers', () => {
  let e2e: E2E;
  let ola: string;
  let kari: string;
  let planned: jest.SpiedFunction<QueryPlanner['buildQueryPlan']>;
  let subgraphCalls: jest.SpiedFunction<RemoteGraphQLDataSource['process']>;

  beforeAll(async () => {
    e2e = await openE2E();
    ola = (await e2e.login('ola@solbakken.example')).accessToken;
    kari = (await e2e.login('kari@solbakken.example')).accessToken;
    planned = jest.spyOn(QueryPlanner.prototype, 'buildQueryPlan');
    subgraphCalls = jest.spyOn(RemoteGraphQLDataSource.prototype, 'process');
  });
  afterAll(async () => {
    jest.restoreAllMocks();
    await e2e.close();
  });

  const post = async (body: string, headers: Record<string, string> = {}) => {
    const response = await fetch(e2e.stack.gatewayUrl, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
    return { status: response.status, ...((await response.json()) as object) } as GraphQLResponse;
  };

  /** Runs a request and asserts the gateway neither planned it nor asked any subgraph anything. */
  async function unplanned(run: () => Promise<GraphQLResponse>): Promise<GraphQLResponse> {
    const before = { plans: planned.mock.calls.length, calls: subgraphCalls.mock.calls.length };
    const result = await run();
    expect({ plans: planned.mock.calls.length, calls: subgraphCalls.mock.calls.length }).toEqual(before);
    return result;
  }

  it('plans and asks a subgraph for an ordinary operation (so the spies see what they should)', async () => {
    const before = { plans: planned.mock.calls.length, calls: subgraphCalls.mock.calls.length };
    const result = await e2e.gql('{ planned: me { id } }', {}, ola);
    expect(result.errors).toBeUndefined();
    expect(planned.mock.calls.length).toBeGreaterThan(before.plans);
    expect(subgraphCalls.mock.calls.length).toBeGreaterThan(before.calls);
  });

  it('refuses 20 levels of doubly spread fragments with 400 QUERY_TOO_COMPLEX, unplanned', async () => {
    const result = await unplanned(() => e2e.gql(fragmentBomb(20)));
    expect(result.status).toBe(400);
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'cost', maximum: 10_000 });
    expect(result.data).toBeUndefined();
  });

  it('refuses 900,000 __typename aliases (17.9 MB) as too large, and a small alias flood as too complex', async () => {
    const huge = await unplanned(() => post(JSON.stringify({ query: aliases(900_000, '__typename') })));
    expect(huge.status).toBe(413);
    expect(codes(huge)).toEqual(['PAYLOAD_TOO_LARGE']);
    const small = await unplanned(() => e2e.gql(aliases(100, '__typename')));
    expect(small.status).toBe(400);
    expect(small.errors?.[0]?.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'aliases', maximum: 30 });
  });

  it("refuses a member's 1,000 aliases of a hundred posts with a hundred comments each, and even one of them", async () => {
    const many = await unplanned(() => e2e.gql(aliases(1000, POSTS_WITH_COMMENTS), {}, ola));
    expect(many.status).toBe(400);
    expect(many.errors?.[0]?.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'tokens', maximum: 1000 });
    const one = await unplanned(() => e2e.gql(aliases(1, POSTS_WITH_COMMENTS), {}, ola));
    expect(one.errors?.[0]?.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'cost' });
    const byVariable = await unplanned(() =>
      e2e.gql('query ($n: Int) { posts(first: $n) { nodes { comments(first: $n) { nodes { id body } } } } }', { n: 100 }, ola),
    );
    expect(byVariable.errors?.[0]?.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'cost' });
  });

  it("measures a page size left to the variable's default value, as the subgraph would read it", async () => {
    const query = 'query ($n: Int = 100) { posts(first: $n) { nodes { comments(first: $n) { nodes { id body } } } } }';
    const result = await unplanned(() => e2e.gql(query, {}, ola));
    expect(result.status).toBe(400);
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'cost' });
  });

  it('runs no operation by hash alone: a persisted query cannot skip the limits with other variables', async () => {
    const query = 'query ($n: Int) { posts(first: $n) { nodes { comments(first: $n) { nodes { id body } } } } }';
    const persistedQuery = { version: 1, sha256Hash: createHash('sha256').update(query).digest('hex') };
    await post(JSON.stringify({ query, variables: { n: 1 }, extensions: { persistedQuery } }), { authorization: `Bearer ${ola}` });
    const byHash = await unplanned(() => post(JSON.stringify({ variables: { n: 100 }, extensions: { persistedQuery } }), { authorization: `Bearer ${ola}` }));
    expect(byHash.data).toBeUndefined();
    expect(codes(byHash)).toEqual(['PERSISTED_QUERY_NOT_SUPPORTED']);
  });

  it('refuses deep nesting and directive floods with a code instead of a stack overflow', async () => {
    const overflow = await unplanned(() => e2e.gql(`{${'me{'.repeat(2000)}id${'}'.repeat(2001)}`));
    expect(overflow.status).toBe(400);
    expect(overflow.errors?.[0]?.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'tokens' });
    // me, then tenure → unit → tenure … five times, then id: 12 levels.
    const nested = await unplanned(() => e2e.gql(`{ me { ${'tenures { unit { '.repeat(5)}id${' } }'.repeat(5)} } }`, {}, ola));
    expect(nested.errors?.[0]?.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'depth', maximum: 10 });
    const directives = await unplanned(() => e2e.gql(`{ me { id ${'@include(if: true) '.repeat(25)} } }`, {}, ola));
    expect(directives.errors?.[0]?.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX', limit: 'directives' });
  });

  it('answers an operationName that picks no operation with 400, not an internal error', async () => {
    for (const body of [{ query: 'query A { __typename }', operationName: 'B' }, { query: 'query A { __typename } query C { __typename }' }]) {
      const result = await unplanned(() => post(JSON.stringify(body)));
      expect({ status: result.status, codes: codes(result) }).toEqual({ status: 400, codes: ['OPERATION_RESOLUTION_FAILURE'] });
    }
  });

  it('keeps a syntax error a 400 GRAPHQL_PARSE_FAILED', async () => {
    const result = await e2e.gql('{ me { id }');
    expect(result.status).toBe(400);
    expect(codes(result)).toEqual(['GRAPHQL_PARSE_FAILED']);
  });

  it('still runs the widest operations the apps send', async () => {
    const cards =
      '{ posts(first: 100) { nodes { id kind title bodyHtml excerpt audience { kind id } important pinnedAt viewerHasRead ' +
      'commentCount reactions { reaction count } viewerReactions attachments { id fileName thumbnailUrl } author { displayName } } } }';
    expect((await e2e.gql(cards, {}, ola)).errors).toBeUndefined();
    const inbox = await e2e.gql('{ notifications(first: 50) { nodes { id title body deliveries { channel status lastError } } } }', {}, ola);
    expect(inbox.errors).toBeUndefined();
  });

  it("takes the board's 50,000-row CSV import (4 MB) through the gateway", async () => {
    const csv = importCsv(50_000);
    expect(csv.length).toBeGreaterThan(4_000_000);
    const started = await e2e.gql<{ importMembers: { job: { id: string; totalRows: number } } }>(
      'mutation ($csv: String!) { importMembers(input: { mode: UPSERT, dryRun: true, csv: $csv }) { job { id totalRows } } }',
      { csv },
      kari,
    );
    expect(started.errors).toBeUndefined();
    expect(started.data!.importMembers.job.totalRows).toBe(50_000);
    // Waits for the dry run, so the stack is not stopped under it.
    const job = started.data!.importMembers.job.id;
    for (let i = 0; i < 200; i++) {
      const polled = await e2e.gql<{ importJob: { status: string } }>('query ($id: ID!) { importJob(id: $id) { status } }', { id: job }, kari);
      if (polled.data?.importJob.status !== 'RUNNING' && polled.data?.importJob.status !== 'QUEUED') break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }, 60_000);

  it('takes an upload over the small body limit from a member', async () => {
    const text = Buffer.from('Referat fra dugnaden.\n'.repeat(25_000)); // 550 kB, 730 kB as base64
    const result = await e2e.gql<{ uploadFile: { file: { id: string } } }>(
      'mutation ($i: UploadFileInput!) { uploadFile(input: $i) { file { id } } }',
      { i: { fileName: 'referat.txt', contentBase64: text.toString('base64') } },
      ola,
    );
    expect(result.errors).toBeUndefined();
  });

  it("takes a phone's photo of a service request over the small body limit", async () => {
    const blokkA = (await e2e.stack.members.repositories.housing.listBuildings(DEMO.solbakken)).find((b) => b.name === 'Blokk A')!.id;
    const reported = await e2e.gql<{ reportServiceRequest: { id: string } }>(
      'mutation ($i: ReportServiceRequestInput!) { reportServiceRequest(input: $i) { id } }',
      {
        i: {
          category: 'COMMON_AREAS',
          location: { kind: 'COMMON_AREA', buildingId: blokkA, place: 'Vaskeriet' },
          title: 'Tørketrommelen går ikke',
          description: 'Den stopper etter to minutter.',
        },
      },
      ola,
    );
    expect(reported.errors).toBeUndefined();
    const big = await noisyPng(450, 350); // about 470 kB, 630 kB as base64: a phone photo over the 512 kB body limit
    expect(big.toString('base64').length).toBeGreaterThan(512 * 1024);
    const added = await e2e.gql<{ addServiceRequestPhoto: { id: string } }>(
      'mutation ($i: AddServiceRequestPhotoInput!) { addServiceRequestPhoto(input: $i) { id } }',
      { i: { requestId: reported.data!.reportServiceRequest.id, fileName: 'vask.png', contentBase64: big.toString('base64') } },
      ola,
    );
    expect(added.status).toBe(200);
    expect(added.errors).toBeUndefined();
  });

  it('refuses a body over 512 kB for any other operation, or from nobody, with 413 PAYLOAD_TOO_LARGE', async () => {
    const body = 'Lang tekst. '.repeat(50_000); // 600 kB
    const createPost = await unplanned(() =>
      post(JSON.stringify({ query: 'mutation ($i: CreatePostInput!) { createPost(input: $i) { post { id } } }', variables: { i: { title: 'Lang', body } } }), {
        authorization: `Bearer ${kari}`,
      }),
    );
    expect(createPost.status).toBe(413);
    expect(codes(createPost)).toEqual(['PAYLOAD_TOO_LARGE']);
    expect(createPost.errors?.[0]?.message).toMatch(/importMembers/);
    const anonymous = await unplanned(() =>
      post(
        JSON.stringify({ query: 'mutation ($csv: String!) { importMembers(input: { mode: UPSERT, csv: $csv }) { job { id } } }', variables: { csv: body } }),
      ),
    );
    expect(anonymous.status).toBe(413);
    expect(codes(anonymous)).toEqual(['PAYLOAD_TOO_LARGE']);
  });

  it('hides field suggestions, which would reveal the schema, when introspection is off', async () => {
    const result = await e2e.gql('{ mee { id } }', {}, ola);
    expect(codes(result)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    expect(result.errors?.[0]?.message).toMatch(/mee/);
    expect(result.errors?.[0]?.message).not.toMatch(/Did you mean/);
  });

  it('answers unknown routes on the gateway and the subgraphs with a JSON 404', async () => {
    for (const url of [e2e.stack.gatewayUrl, e2e.stack.subgraphUrls.members, e2e.stack.subgraphUrls.posts]) {
      const response = await fetch(new URL('/no-such-page', url));
      expect(response.status).toBe(404);
      expect(await response.json()).toMatchObject({ errors: [{ extensions: { code: 'NOT_FOUND' } }] });
    }
  });

  it('says what is wrong with a body it cannot read: 415 for an unknown charset or encoding', async () => {
    const charset = await post('{"query":"{ me { id } }"}', { 'content-type': 'application/json; charset=latin-9000' });
    expect(charset.status).toBe(415);
    expect(codes(charset)).toEqual(['UNSUPPORTED_MEDIA_TYPE']);
    expect(charset.errors?.[0]?.message).not.toMatch(/not valid JSON/);
    const encoding = await post('{"query":"{ me { id } }"}', { 'content-encoding': 'zstd-9000' });
    expect(encoding.status).toBe(415);
    expect(codes(encoding)).toEqual(['UNSUPPORTED_MEDIA_TYPE']);
  });

  it('names the field of an invalid inline Date or DateTime literal', async () => {
    const date = await e2e.gql(
      'mutation { addTenure(input: { memberId: "00000000-0000-4000-8000-000000000000", unitId: "00000000-0000-4000-8000-000000000000", relation: OWNER, moveIn: "31.12.2020" }) { tenure { id } } }',
      {},
      kari,
    );
    expect(date.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'moveIn', reason: 'INVALID_FORMAT', format: 'date' });
    expect(date.errors?.[0]?.message).toMatch(/ÅÅÅÅ-MM-DD/);
    const dateTime = await e2e.gql('{ charges(from: "i går", to: "2026-01-01T00:00:00Z") { nodes { amount } } }', {}, kari);
    expect(dateTime.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'from' });
  });
});
