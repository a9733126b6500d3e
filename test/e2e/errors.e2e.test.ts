import { randomUUID } from 'node:crypto';
import { AccessTokenSigner, AccessTokenVerifier } from '@tunet/kit';
import { DEMO_RESOURCES } from '@tunet/reservations';
import { codes, openE2E, type E2E, type GraphQLResponse } from './e2e.fixtures';
import { loadOperation } from './first-party';

describe('bad input and operational endpoints', () => {
  let e2e: E2E;
  let ola: string;
  let kari: string;

  beforeAll(async () => {
    e2e = await openE2E();
    ola = (await e2e.login('ola@solbakken.example')).accessToken;
    kari = (await e2e.login('kari@solbakken.example')).accessToken;
  });
  afterAll(() => e2e.close());

  /** As a client in a language would send it: the Accept-Language header, or none (the association default, nb). */
  const gqlIn = async (language: string | null, query: string, variables: Record<string, unknown> = {}, token?: string): Promise<GraphQLResponse> => {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (language) headers['accept-language'] = language;
    if (token) headers.authorization = `Bearer ${token}`;
    const response = await fetch(e2e.stack.gatewayUrl, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
    return { status: response.status, ...((await response.json()) as object) };
  };
  const refusal = (result: GraphQLResponse): Record<string, unknown> => ({
    status: result.status,
    message: result.errors?.[0]?.message,
    ...result.errors?.[0]?.extensions,
  });
  const inDays = (days: number, hours = 0) => new Date(Date.now() + days * 86_400_000 + hours * 3_600_000).toISOString();
  const CREATE_EVENT = 'mutation ($i: CreateEventInput!) { createEvent(input: $i) { event { id } } }';

  describe("reasons a UI can act on, in the caller's language", () => {
    it('reports every invalid field of an event at once, relative to the input, in nb by default and en on request (HTTP 400)', async () => {
      const input = { i: { title: ' ', startsAt: inDays(7, 3), endsAt: inDays(7), capacity: 0 } };
      const nb = await gqlIn(null, CREATE_EVENT, input, kari);
      expect(refusal(nb)).toMatchObject({ status: 400, code: 'BAD_USER_INPUT', reason: 'REQUIRED', field: 'title', message: 'Feltet må fylles ut.' });
      expect(nb.errors?.[0]?.extensions?.invalidFields).toEqual([
        { field: 'title', reason: 'REQUIRED', message: 'Feltet må fylles ut.' },
        { field: 'capacity', reason: 'TOO_SMALL', minimum: 1, message: 'Må være minst 1.' },
        { field: 'endsAt', reason: 'END_BEFORE_START', start: 'startsAt', message: 'Slutt kan ikke være før start.' },
      ]);
      const en = await gqlIn('en-GB,en;q=0.9,nb;q=0.5', CREATE_EVENT, input, kari);
      expect((en.errors?.[0]?.extensions?.invalidFields as { message: string }[]).map((f) => f.message)).toEqual([
        'This field is required.',
        'Must be at least 1.',
        'The end must not be before the start.',
      ]);
      // The gateway's own finding (a wrong type in a variable) has the same shape and status.
      const typed = await gqlIn('nb', CREATE_EVENT, { i: { ...input.i, title: 5 } }, kari);
      expect(refusal(typed)).toMatchObject({ status: 400, code: 'BAD_USER_INPUT', reason: 'INVALID_TYPE', field: 'title', message: 'Verdien har feil type.' });
    });

    it('tells a wrong password (INVALID_CREDENTIALS) from an expired token (TOKEN_EXPIRED) and a broken one', async () => {
      const wrong = { input: { email: 'ola@solbakken.example', password: 'feil-passord' } };
      expect(refusal(await gqlIn('nb-NO', loadOperation('login'), wrong))).toMatchObject({
        code: 'UNAUTHENTICATED',
        reason: 'INVALID_CREDENTIALS',
        message: 'E-postadressen eller passordet er feil.',
      });
      expect(refusal(await gqlIn('en', loadOperation('login'), wrong))).toMatchObject({
        reason: 'INVALID_CREDENTIALS',
        message: 'The e-mail address or password is wrong.',
      });

      const viewer = await (await AccessTokenVerifier.fromPem(e2e.secrets.jwtPublicKey)).verify(ola);
      const signer = await AccessTokenSigner.fromPem(e2e.secrets.jwtPrivateKey);
      const expired = (await signer.sign(viewer, 60, new Date(Date.now() - 3_600_000))).token;
      expect(refusal(await gqlIn('en', '{ me { id } }', {}, expired))).toMatchObject({
        status: 401,
        code: 'UNAUTHENTICATED',
        reason: 'TOKEN_EXPIRED',
        message: 'Your access token has expired. Refresh it and try again.',
      });
      expect(refusal(await gqlIn(null, '{ me { id } }', {}, `${ola.slice(0, -4)}AAAA`))).toMatchObject({
        status: 401,
        reason: 'TOKEN_INVALID',
        message: 'Tilgangsnøkkelen er ugyldig. Logg inn på nytt.',
      });
    });

    it('names SIGNUP_CLOSED with its deadline, and EVENT_CANCELLED', async () => {
      const deadline = inDays(-1);
      const closed = await gqlIn(null, CREATE_EVENT, { i: { title: 'Sommerfest', startsAt: inDays(7), endsAt: inDays(7, 4), signupDeadline: deadline } }, kari);
      expect(closed.errors).toBeUndefined();
      const closedId = (closed.data as { createEvent: { event: { id: string } } }).createEvent.event.id;
      const late = refusal(await gqlIn('en', loadOperation('event-sign-up'), { input: { eventId: closedId } }, ola));
      expect(late).toMatchObject({ code: 'CONFLICT', reason: 'SIGNUP_CLOSED' });
      expect(late.deadline).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?[+-]\d\d:\d\d$/);
      expect(Date.parse(late.deadline as string)).toBe(Date.parse(deadline));
      expect(late.message).toBe(`Sign-up closed at ${late.deadline as string}.`);

      const open = await gqlIn(null, CREATE_EVENT, { i: { title: 'Vårdugnad', startsAt: inDays(8), endsAt: inDays(8, 2) } }, kari);
      const openId = (open.data as { createEvent: { event: { id: string } } }).createEvent.event.id;
      const cancelled = await gqlIn(
        null,
        'mutation ($i: CancelEventInput!) { cancelEvent(input: $i) { event { id } } }',
        { i: { eventId: openId, reason: 'Regn' } },
        kari,
      );
      expect(cancelled.errors).toBeUndefined();
      expect(refusal(await gqlIn('nb', loadOperation('event-sign-up'), { input: { eventId: openId } }, ola))).toMatchObject({
        code: 'CONFLICT',
        reason: 'EVENT_CANCELLED',
        message: 'Arrangementet er avlyst.',
      });
    });

    it('names IDEMPOTENCY_KEY_REUSED when a key comes back with another booking', async () => {
      const day = new Date(Date.now() + 9 * 86_400_000).toISOString().slice(0, 10);
      const free = await gqlIn(
        null,
        'query ($r: ID!, $d: Date!) { availability(resourceId: $r, from: $d, to: $d) { free { start end } } }',
        { r: DEMO_RESOURCES.laundry, d: day },
        kari,
      );
      const [first, second] = (free.data as { availability: { free: { start: string; end: string }[] } }).availability.free;
      const idempotencyKey = randomUUID();
      const book = (slot: { start: string; end: string }) =>
        gqlIn('en', loadOperation('create-booking'), { input: { resourceId: DEMO_RESOURCES.laundry, ...slot, idempotencyKey } }, kari);
      expect((await book(first!)).errors).toBeUndefined();
      expect(refusal(await book(second!))).toMatchObject({
        code: 'CONFLICT',
        reason: 'IDEMPOTENCY_KEY_REUSED',
        message: 'This idempotency key was already used for a different request.',
      });
    });
  });

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
