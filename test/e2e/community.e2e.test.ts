import { accessTokens, codes, openE2E, type E2E } from './e2e.fixtures';

type Signup = {
  signUpForEvent: { signup: { status: string; waitlistPosition: number | null; member: { displayName: string } }; event: { seatsLeft: number | null } };
};

describe('events and comments through the gateway', () => {
  let e2e: E2E;
  let kari: string;
  let ola: string;
  let per: string;
  let eva: string;

  beforeAll(async () => {
    e2e = await openE2E();
    ({ kari, ola, per, eva } = await accessTokens(e2e, {
      kari: 'kari@solbakken.example',
      ola: 'ola@solbakken.example',
      per: 'per@solbakken.example',
      eva: 'eva@fjordly.example',
    }));
  });
  afterAll(() => e2e.close());

  it('fills an event and puts the next resident on the waitlist; another association cannot see it', async () => {
    const startsAt = new Date(Date.now() + 7 * 86_400_000);
    const created = await e2e.gql<{ createEvent: { event: { id: string } } }>(
      'mutation ($i: CreateEventInput!) { createEvent(input: $i) { event { id } } }',
      { i: { title: 'Dugnad', startsAt: startsAt.toISOString(), endsAt: new Date(startsAt.getTime() + 3 * 3_600_000).toISOString(), capacity: 1 } },
      kari,
    );
    expect(created.errors).toBeUndefined();
    const eventId = created.data!.createEvent.event.id;
    const signUp = (token: string) =>
      e2e.gql<Signup>(
        'mutation ($e: ID!) { signUpForEvent(input: { eventId: $e }) { signup { status waitlistPosition member { displayName } } event { seatsLeft } } }',
        { e: eventId },
        token,
      );
    const first = await signUp(ola);
    expect(first.data!.signUpForEvent).toEqual({
      signup: { status: 'CONFIRMED', waitlistPosition: null, member: { displayName: 'Ola Hansen' } },
      event: { seatsLeft: 0 },
    });
    expect((await signUp(per)).data!.signUpForEvent.signup).toMatchObject({ status: 'WAITLISTED', waitlistPosition: 1 });
    expect(codes(await signUp(eva))).toEqual(['NOT_FOUND']);
    expect(
      codes(
        await e2e.gql(
          'mutation { createEvent(input: { title: "x", startsAt: "2030-01-01T10:00:00Z", endsAt: "2030-01-01T11:00:00Z" }) { event { id } } }',
          {},
          ola,
        ),
      ),
    ).toEqual(['FORBIDDEN']);
  });

  it('shows comments with their authors from the members subgraph, and counts them in the feed', async () => {
    // A post for the whole association, so Per (another building, other groups) sees it too.
    const feed = await e2e.gql<{ posts: { nodes: { id: string }[] } }>(
      '{ posts(first: 1, filter: { audience: { kind: ASSOCIATION } }) { nodes { id } } }',
      {},
      ola,
    );
    const postId = feed.data!.posts.nodes[0]!.id;
    const added = await e2e.gql('mutation ($p: ID!) { addComment(input: { postId: $p, body: "Jeg tar med kaffe." }) { comment { id } } }', { p: postId }, per);
    expect(added.errors).toBeUndefined();
    const read = await e2e.gql<{ post: { commentCount: number; comments: { nodes: { body: string; author: { displayName: string } }[] } } }>(
      'query ($p: ID!) { post(id: $p) { commentCount comments { nodes { body author { displayName } } } } }',
      { p: postId },
      ola,
    );
    expect(read.data!.post).toEqual({ commentCount: 1, comments: { nodes: [{ body: 'Jeg tar med kaffe.', author: { displayName: 'Per Ødegård' } }] } });
    expect(codes(await e2e.gql('mutation ($p: ID!) { addComment(input: { postId: $p, body: "Hei" }) { comment { id } } }', { p: postId }, eva))).toEqual([
      'NOT_FOUND',
    ]);
  });
});
