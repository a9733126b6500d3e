import { encodeContext, signRequest, type RequestContext } from '@tunet/kit';
import { DEMO } from '@tunet/members';
import { DEMO_RESOURCES } from '@tunet/reservations';
import { codes, openE2E, type E2E } from './e2e.fixtures';

const FEED = '{ posts(first: 10) { nodes { id title author { id displayName roles association { name } } } } }';
type Feed = { posts: { nodes: { id: string; title: string; author: { id: string; displayName: string; roles: string[]; association: { name: string } } }[] } };

describe('tenancy and the federation boundary', () => {
  let e2e: E2E;
  let kari: string;
  let eva: string;

  beforeAll(async () => {
    e2e = await openE2E();
    kari = (await e2e.login('kari@solbakken.example')).accessToken;
    eva = (await e2e.login('eva@fjordly.example')).accessToken;
  });
  afterAll(() => e2e.close());

  it('answers one query from two subgraphs: posts with their authors from members', async () => {
    const result = await e2e.gql<Feed>(FEED, {}, kari);
    expect(result.errors).toBeUndefined();
    const nodes = result.data!.posts.nodes;
    expect(nodes.length).toBeGreaterThanOrEqual(3);
    for (const post of nodes) expect(post.author.association.name).toBe('Solbakken borettslag');
    expect(nodes.map((post) => post.author.displayName)).toContain('Kari Nordmann');
  });

  it("never shows one association another's posts, members or association", async () => {
    const solbakkenPost = (await e2e.gql<Feed>(FEED, {}, kari)).data!.posts.nodes[0]!.id;

    const feed = await e2e.gql<Feed>(FEED, {}, eva);
    expect(feed.data!.posts.nodes.map((post) => post.author.association.name)).toEqual(feed.data!.posts.nodes.map(() => 'Fjordly sameie'));
    expect(feed.data!.posts.nodes.map((post) => post.id)).not.toContain(solbakkenPost);

    for (const [query, variables] of [
      ['query ($id: ID!) { association(id: $id) { name } }', { id: DEMO.solbakken }],
      ['query ($id: ID!) { member(id: $id) { displayName } }', { id: DEMO.kari }],
      ['query ($id: ID!) { post(id: $id) { title } }', { id: solbakkenPost }],
    ] as const) {
      const result = await e2e.gql(query, variables, eva);
      expect(codes(result)).toEqual(['NOT_FOUND']);
      expect(result.data).toBeNull();
    }
  });

  it('does not expose _entities or _service through the gateway', async () => {
    const result = await e2e.gql('{ _entities(representations: [{ __typename: "Member", id: "x" }]) { __typename } }', {}, eva);
    expect(codes(result)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
  });

  describe('calling a subgraph directly', () => {
    const evaContext: RequestContext = {
      viewer: { accountId: DEMO.eva, associationId: DEMO.fjordly, memberId: DEMO.eva, role: 'board', platformAdmin: false, sessionId: null },
      requestId: 'direct-test',
      clientIp: '127.0.0.1',
    };
    const entities = JSON.stringify({
      query: 'query ($r: [_Any!]!) { _entities(representations: $r) { ... on Member { id displayName email } } }',
      variables: {
        r: [
          { __typename: 'Member', id: DEMO.kari },
          { __typename: 'Member', id: DEMO.eva },
        ],
      },
    });
    const post = (body: string, headers: Record<string, string> = {}) =>
      fetch(e2e.stack.subgraphUrls.members, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });

    it('refuses unsigned requests, _service and _entities included, with HTTP 401', async () => {
      for (const body of [entities, JSON.stringify({ query: '{ _service { sdl } }' }), JSON.stringify({ query: '{ me { id } }' })]) {
        expect((await post(body)).status).toBe(401);
      }
      expect((await fetch(e2e.stack.subgraphUrls.posts, { method: 'POST', body: entities })).status).toBe(401);
    });

    it('refuses a signature made with another secret, for another body, or too long ago', async () => {
      const request = { method: 'POST', url: e2e.stack.subgraphUrls.members, context: encodeContext(evaContext), body: entities };
      const wrongSecret = signRequest('not-the-secret', request);
      const otherBody = signRequest(e2e.secrets.internalSecret, { ...request, body: JSON.stringify({ query: '{ __typename }' }) });
      const stale = signRequest(e2e.secrets.internalSecret, request, Date.now() - 5 * 60 * 1000);
      for (const headers of [wrongSecret, otherBody, stale]) expect((await post(entities, headers)).status).toBe(401);
    });

    it("resolves a crafted entity representation of another association's member to null", async () => {
      const request = { method: 'POST', url: e2e.stack.subgraphUrls.members, context: encodeContext(evaContext), body: entities };
      const headers = signRequest(e2e.secrets.internalSecret, request);
      const response = await post(entities, headers);
      expect(response.status).toBe(200);
      const body = (await response.json()) as { data: { _entities: unknown[] } };
      expect(body.data._entities).toEqual([null, { id: DEMO.eva, displayName: 'Eva Fjeld', email: 'eva@fjordly.example' }]);
    });

    it("resolves crafted Unit, Building and Booking references of another association to null, the viewer's own to data", async () => {
      const kariContext: RequestContext = {
        ...evaContext,
        viewer: { accountId: DEMO.kari, associationId: DEMO.solbakken, memberId: DEMO.kari, role: 'resident', platformAdmin: false, sessionId: null },
      };
      const entitiesAs = async (context: RequestContext, subgraph: 'members' | 'reservations', fragment: string, r: object[]) => {
        const body = JSON.stringify({ query: `query ($r: [_Any!]!) { _entities(representations: $r) { ${fragment} } }`, variables: { r } });
        const url = e2e.stack.subgraphUrls[subgraph];
        const headers = signRequest(e2e.secrets.internalSecret, { method: 'POST', url, context: encodeContext(context), body });
        const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
        return ((await response.json()) as { data: { _entities: unknown[] } }).data._entities;
      };
      type Homes = { me: { tenures: { unit: { id: string; building: { id: string } } }[] } };
      const homeOf = async (token: string) => (await e2e.gql<Homes>('{ me { tenures { unit { id building { id } } } } }', {}, token)).data!.me.tenures[0]!.unit;
      const [kariHome, evaHome] = [await homeOf(kari), await homeOf(eva)];
      const places = (home: { id: string; building: { id: string } }) => [
        { __typename: 'Unit', id: home.id },
        { __typename: 'Building', id: home.building.id },
      ];
      const fragment = '... on Unit { id number } ... on Building { id name }';

      expect(await entitiesAs(evaContext, 'members', fragment, [...places(kariHome), ...places(evaHome)])).toEqual([
        null,
        null,
        { id: evaHome.id, number: 'H0101' },
        { id: evaHome.building.id, name: 'Hovedbygget' },
      ]);
      expect(await entitiesAs(kariContext, 'members', fragment, places(kariHome))).toEqual([
        { id: kariHome.id, number: 'H0201' },
        { id: kariHome.building.id, name: 'Blokk A' },
      ]);

      // Booking had its key before: its reference loads through the same tenant-scoped loader.
      const day = 24 * 60 * 60 * 1000;
      const partyRoom = await e2e.gql<{ bookings: { id: string }[] }>(
        'query ($resourceId: ID!, $from: DateTime!, $to: DateTime!) { bookings(resourceId: $resourceId, from: $from, to: $to) { id } }',
        { resourceId: DEMO_RESOURCES.partyRoom, from: new Date().toISOString(), to: new Date(Date.now() + 60 * day).toISOString() },
        kari,
      );
      const booking = [{ __typename: 'Booking', id: partyRoom.data!.bookings[0]!.id }];
      expect(await entitiesAs(evaContext, 'reservations', '... on Booking { id start }', booking)).toEqual([null]);
      expect(await entitiesAs(kariContext, 'reservations', '... on Booking { id }', booking)).toEqual(booking.map(({ id }) => ({ id })));
    });
  });
});
