import { DEMO } from '@tunet/members';
import { codes, openE2E, type E2E } from './e2e.fixtures';
import { loadOperation } from './first-party';

/** Ola's demo post about the dugnad (subgraphs/posts/src/posts.demo.ts). */
const OLA_POST = 'd0000000-0000-4000-8000-000000000002';

type Queue = {
  moderationQueue: {
    totalCount: number;
    nodes: {
      id: string;
      householdCount: number;
      state: string;
      author: { displayName: string };
      post: { id: string; title: string } | null;
      comment: { id: string } | null;
      reports: { reason: string; reporter: { id: string } }[];
    }[];
  };
};

describe('moderation and the code of conduct through the gateway', () => {
  let e2e: E2E;
  let kari: string;
  let per: string;
  let aase: string;

  beforeAll(async () => {
    e2e = await openE2E();
    const token = async (email: string) => (await e2e.login(email)).accessToken;
    kari = await token('kari@solbakken.example');
    per = await token('per@solbakken.example');
    aase = await token('aase@solbakken.example');
  });
  afterAll(() => e2e.close());

  const report = (token: string, reason: string) =>
    e2e.gql(
      'mutation ($id: ID!, $reason: ReportReason!) { reportContent(input: { targetType: POST, targetId: $id, reason: $reason }) { report { id } } }',
      { id: OLA_POST, reason },
      token,
    );
  const readPost = (token: string) =>
    e2e.gql<{ post: { title: string; moderation: { state: string; reason: string | null } | null } }>(
      'query ($id: ID!) { post(id: $id) { title moderation { state reason } } }',
      { id: OLA_POST },
      token,
    );

  it('hides a post reported by three households, and the board removes it and suspends its author', async () => {
    const ola = await e2e.login('ola@solbakken.example');
    expect((await report(per, 'OFFENSIVE')).errors).toBeUndefined();
    expect((await report(aase, 'OFFENSIVE')).errors).toBeUndefined();
    expect((await readPost(per)).data?.post.title).toBe('Dugnad lørdag 25. april');
    expect((await report(kari, 'SPAM')).errors).toBeUndefined();

    expect(codes(await readPost(per))).toEqual(['NOT_FOUND']);
    expect((await readPost(ola.accessToken)).data?.post.moderation).toEqual({
      state: 'HIDDEN',
      reason: 'Reported by 3 households; hidden until the board has reviewed it.',
    });

    // The board's queue as the app asks for it (clients/operations/moderation-queue.graphql): the badge count and
    // the reported post's title, not only its id.
    const queue = await e2e.gql<Queue>(loadOperation('moderation-queue'), {}, kari);
    expect(queue.errors).toBeUndefined();
    const found = queue.data!.moderationQueue.nodes.find((n) => n.post?.id === OLA_POST);
    expect(queue.data!.moderationQueue.totalCount).toBe(queue.data!.moderationQueue.nodes.length);
    expect(found).toMatchObject({
      householdCount: 3,
      state: 'HIDDEN',
      author: { displayName: 'Ola Hansen' },
      post: { id: OLA_POST, title: 'Dugnad lørdag 25. april' },
      comment: null,
    });
    expect(found!.reports.map((r) => r.reporter.id)).toEqual([DEMO.per, DEMO.aase, DEMO.kari]);
    expect(codes(await e2e.gql('{ moderationQueue { nodes { id } } }', {}, per))).toEqual(['FORBIDDEN']);

    const resolved = await e2e.gql(
      `mutation ($c: ID!) { resolveModerationCase(input: { caseId: $c, decision: REMOVE, reason: "Sjikane av naboer.",
        suspendAuthor: { reason: "Gjentatt sjikane på Tunet", until: "2099-01-31" } }) { moderationCase { status decision state } } }`,
      { c: found!.id },
      kari,
    );
    expect(resolved.data).toEqual({ resolveModerationCase: { moderationCase: { status: 'RESOLVED', decision: 'REMOVE', state: 'REMOVED' } } });

    // The members subgraph suspends Ola once the request has travelled through the outbox and the event stream.
    let login = await e2e.gql('mutation { login(input: { email: "ola@solbakken.example", password: "solbakken-demo" }) { accessToken } }');
    for (let i = 0; i < 100 && !login.errors; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      login = await e2e.gql('mutation { login(input: { email: "ola@solbakken.example", password: "solbakken-demo" }) { accessToken } }');
    }
    expect(login.errors?.[0]).toMatchObject({
      message: expect.stringContaining('Gjentatt sjikane på Tunet'),
      extensions: { code: 'FORBIDDEN', reason: 'MEMBERSHIP_SUSPENDED', suspensionReason: 'Gjentatt sjikane på Tunet', until: '2099-01-31' },
    });
    const refreshed = await e2e.gql('mutation ($t: String!) { refreshSession(input: { refreshToken: $t }) { accessToken } }', { t: ola.refreshToken });
    expect(codes(refreshed)).toEqual(['UNAUTHENTICATED']);
  });

  it('asks members to accept a new code of conduct before they comment again', async () => {
    const current = await e2e.gql<{ codeOfConduct: { version: number; viewerAcceptedAt: string | null } }>(
      '{ codeOfConduct { version viewerAcceptedAt } }',
      {},
      per,
    );
    expect(current.data!.codeOfConduct).toEqual({ version: 1, viewerAcceptedAt: expect.any(String) });
    const published = await e2e.gql(
      'mutation { publishCodeOfConduct(input: { body: "# God skikk\\n\\nIngen reklame." }) { codeOfConduct { version } } }',
      {},
      kari,
    );
    expect(published.data).toEqual({ publishCodeOfConduct: { codeOfConduct: { version: 2 } } });

    const feed = await e2e.gql<{ posts: { nodes: { id: string }[] } }>('{ posts(first: 1) { nodes { id } } }', {}, per);
    const comment = () =>
      e2e.gql('mutation ($p: ID!) { addComment(input: { postId: $p, body: "Flott!" }) { comment { id } } }', { p: feed.data!.posts.nodes[0]!.id }, per);
    const refused = await comment();
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'CODE_OF_CONDUCT_NOT_ACCEPTED', version: 2 });
    const accepted = await e2e.gql('mutation { acceptCodeOfConduct(input: { version: 2 }) { codeOfConduct { version } } }', {}, per);
    expect(accepted.errors).toBeUndefined();
    expect((await comment()).errors).toBeUndefined();
  });
});
