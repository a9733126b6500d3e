import { accessTokens, codes, openE2E, type E2E } from './e2e.fixtures';
import { loadOperation } from './first-party';

type SignUpAnswer = {
  signup: { status: string; waitlistPosition: number | null; adults: number; children: number };
  event: { seatsLeft: number | null; waitlistLength: number };
};
type EventSignUp = { signUpForEvent: SignUpAnswer & { event: { viewerCanSignUp: boolean; signUpStatus: { allowed: boolean; reason: string | null } } } };
type CommentNode = {
  id: string;
  body: string | null;
  author: { displayName: string };
  viewerCanEdit: boolean;
  viewerCanDelete: boolean;
  viewerCanReply: boolean;
};
type PostWithComments = {
  post: {
    viewerCanComment: boolean;
    viewerCanEdit: boolean;
    commentCount: number;
    comments: { nodes: (CommentNode & { replies: { nodes: CommentNode[]; pageInfo: { hasNextPage: boolean } } })[] };
  };
};

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

  it('runs the event sign-up and party change documents, with the reasons a refusal carries', async () => {
    const startsAt = new Date(Date.now() + 14 * 86_400_000);
    const created = await e2e.gql<{ createEvent: { event: { id: string } } }>(
      'mutation ($i: CreateEventInput!) { createEvent(input: $i) { event { id } } }',
      {
        i: {
          title: 'Sommerfest',
          startsAt: startsAt.toISOString(),
          endsAt: new Date(startsAt.getTime() + 4 * 3_600_000).toISOString(),
          capacity: 3,
          maxGuestsPerSignup: 2,
        },
      },
      kari,
    );
    const eventId = created.data!.createEvent.event.id;
    const signUp = (token: string, adults: number, children = 0) =>
      e2e.gql<EventSignUp>(loadOperation('event-sign-up'), { input: { eventId, adults, children } }, token);
    const change = (token: string, adults: number, children = 0) =>
      e2e.gql<{ changeSignup: SignUpAnswer }>(loadOperation('change-sign-up'), { input: { eventId, adults, children } }, token);

    const olas = await signUp(ola, 1, 1);
    expect(olas.errors).toBeUndefined();
    expect(olas.data!.signUpForEvent).toMatchObject({
      signup: { status: 'CONFIRMED', adults: 1, children: 1 },
      event: { seatsLeft: 1, viewerCanSignUp: false, signUpStatus: { allowed: false, reason: 'ALREADY_SIGNED_UP' } },
    });
    expect((await signUp(ola, 1)).errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', reason: 'ALREADY_SIGNED_UP' });
    expect((await signUp(per, 2)).data!.signUpForEvent.signup).toMatchObject({ status: 'WAITLISTED', waitlistPosition: 1 });

    // Ola's child stays home: Ola keeps the seat, and Per's party of two now fits.
    const shrunk = await change(ola, 1);
    expect(shrunk.data!.changeSignup).toEqual({
      signup: expect.objectContaining({ status: 'CONFIRMED', adults: 1, children: 0 }),
      event: expect.objectContaining({ seatsLeft: 0, waitlistLength: 0 }),
    });
    const grown = await change(ola, 2);
    expect(grown.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', reason: 'EVENT_FULL', seatsLeft: 0 });
    expect(codes(await change(eva, 1))).toEqual(['NOT_FOUND']);
  });

  it('runs the feed, post-with-comments and add-comment documents, with the flags that decide the buttons', async () => {
    const feed = await e2e.gql<{
      pinnedPosts: { id: string }[];
      posts: { nodes: { id: string; title: string; audience: { kind: string }; viewerCanComment: boolean; viewerCanPin: boolean }[] };
    }>(loadOperation('home-feed'), {}, ola);
    expect(feed.errors).toBeUndefined();
    const pinned = new Set(feed.data!.pinnedPosts.map((p) => p.id));
    // The demo's pinned water notice is there, so the next line cannot pass on an empty list.
    expect(pinned.size).toBeGreaterThan(0);
    expect(feed.data!.posts.nodes.some((p) => pinned.has(p.id))).toBe(false);
    // A post for the whole association, so Per (Blokk B) reads it too.
    const post = feed.data!.posts.nodes.find((p) => p.viewerCanComment && p.audience.kind === 'ASSOCIATION')!;
    expect(post.viewerCanPin).toBe(false);

    const added = await e2e.gql<{ addComment: { comment: CommentNode } }>(
      loadOperation('add-comment'),
      { input: { postId: post.id, body: 'Hvem har nøkkelen?' } },
      ola,
    );
    expect(added.data!.addComment.comment).toMatchObject({ body: 'Hvem har nøkkelen?', viewerCanEdit: true, viewerCanDelete: true, viewerCanReply: true });
    const top = added.data!.addComment.comment.id;
    const reply = await e2e.gql(loadOperation('add-comment'), { input: { postId: post.id, body: 'Vaktmesteren.', parentId: top } }, kari);
    expect(reply.errors).toBeUndefined();

    const read = await e2e.gql<PostWithComments>(loadOperation('post-with-comments'), { id: post.id }, per);
    expect(read.errors).toBeUndefined();
    const thread = read.data!.post.comments.nodes.find((c) => c.id === top)!;
    expect(thread).toMatchObject({ author: { displayName: 'Ola Hansen' }, viewerCanEdit: false, viewerCanDelete: false, viewerCanReply: true });
    expect(thread.replies).toEqual({
      nodes: [expect.objectContaining({ body: 'Vaktmesteren.', author: { displayName: 'Kari Nordmann' }, viewerCanReply: false })],
      pageInfo: expect.objectContaining({ hasNextPage: false }),
    });
    expect(codes(await e2e.gql(loadOperation('post-with-comments'), { id: post.id }, eva))).toEqual(['NOT_FOUND']);
  });
});
