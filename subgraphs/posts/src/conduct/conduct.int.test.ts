import { randomUUID } from 'node:crypto';
import type { MemberViewer, Viewer } from '@tunet/kit';
import { sql } from 'drizzle-orm';
import { openPostsTestBed, viewerIn, type PostsTestBed } from '../posts.fixtures';

let bed: PostsTestBed;

beforeAll(async () => {
  bed = await openPostsTestBed();
});

afterAll(() => bed.close());

const conduct = () => bed.subgraph.conduct;
const publish = (viewer: Viewer | null, body: string) => conduct().publish(viewer, { body });
const accept = (viewer: Viewer | null, version: number) => conduct().accept(viewer, { version });
const post = (author: MemberViewer) =>
  bed.subgraph.repository.insertPost(author.associationId, { id: randomUUID(), authorMemberId: author.memberId, title: 'Dugnad', body: 'Lørdag' });
const comment = (viewer: MemberViewer, postId: string) => bed.subgraph.comments.addComment(bed.contextFor(viewer), { postId, body: 'Jeg kommer!' });

async function published(associationId: string) {
  const result = (await bed.db.system((tx) =>
    tx.execute(sql`select payload from posts.outbox where topic = 'conduct.published' and association_id = ${associationId} order by id`),
  )) as { rows: { payload: Record<string, unknown> }[] };
  return result.rows.map((row) => row.payload);
}

describe('the code of conduct', () => {
  it('asks nothing of anyone until the board publishes one', async () => {
    const association = randomUUID();
    const ola = viewerIn(association);
    expect(await conduct().current(ola)).toBeNull();
    await expect(conduct().requireAccepted(ola)).resolves.toBeUndefined();
    await expect(comment(ola, (await post(ola)).id)).resolves.toMatchObject({ body: 'Jeg kommer!' });
    await expect(accept(ola, 1)).rejects.toMatchObject({ extensions: { code: 'NOT_FOUND' } });
  });

  it('requires the current version before commenting or posting, and again after a new version', async () => {
    const association = randomUUID();
    const [kari, ola] = [viewerIn(association, 'board'), viewerIn(association)];
    const target = await post(kari);

    const first = await publish(kari, '  # God skikk\n\nVær snille med hverandre.  ');
    expect(first).toEqual({ version: 1, body: '# God skikk\n\nVær snille med hverandre.', publishedAt: expect.any(Date), viewerAcceptedAt: first.publishedAt });
    expect(await conduct().current(ola)).toEqual({ ...first, viewerAcceptedAt: null });
    const refusal = { code: 'FORBIDDEN', reason: 'CODE_OF_CONDUCT_NOT_ACCEPTED', version: 1 };
    await expect(comment(ola, target.id)).rejects.toMatchObject({ extensions: refusal });
    await expect(conduct().requireAccepted(ola)).rejects.toMatchObject({ extensions: refusal });
    await expect(comment(kari, target.id)).resolves.toBeDefined();

    const accepted = await accept(ola, 1);
    expect(accepted.viewerAcceptedAt).toEqual(expect.any(Date));
    expect(await accept(ola, 1)).toEqual(accepted);
    await expect(comment(ola, target.id)).resolves.toBeDefined();

    const second = await publish(kari, 'Versjon 2: ingen reklame.');
    expect(second.version).toBe(2);
    await expect(comment(ola, target.id)).rejects.toMatchObject({ extensions: { ...refusal, version: 2 } });
    await expect(accept(ola, 1)).rejects.toMatchObject({ extensions: { code: 'CONFLICT' } });
    await expect(accept(ola, 3)).rejects.toMatchObject({ extensions: { code: 'CONFLICT' } });
    await accept(ola, 2);
    await expect(comment(ola, target.id)).resolves.toBeDefined();
    expect(await published(association)).toEqual([
      { version: 1, publishedByMemberId: kari.memberId },
      { version: 2, publishedByMemberId: kari.memberId },
    ]);
  });

  it('numbers concurrent publications without gaps or duplicates', async () => {
    const kari = viewerIn(randomUUID(), 'board');
    const outcomes = await Promise.allSettled([1, 2, 3].map((n) => publish(kari, `Utkast ${n}`)));
    const versions = outcomes.flatMap((o) => (o.status === 'fulfilled' ? [o.value.version] : []));
    for (const failed of outcomes.filter((o) => o.status === 'rejected')) {
      expect(failed.reason).toMatchObject({ extensions: { code: 'CONFLICT' } });
    }
    expect(versions.sort()).toEqual([1, 2, 3].slice(0, versions.length));
    expect((await conduct().current(kari))!.version).toBe(versions.length);
  });

  it('lets only the board publish, keeps each association to its own, and validates the text', async () => {
    const association = randomUUID();
    const [kari, ola, jonas] = [viewerIn(association, 'board'), viewerIn(association), viewerIn(association, 'external')];
    await expect(publish(ola, 'Mine regler')).rejects.toMatchObject({ extensions: { code: 'FORBIDDEN' } });
    await expect(publish(jonas, 'Mine regler')).rejects.toMatchObject({ extensions: { code: 'FORBIDDEN' } });
    await expect(publish(null, 'Mine regler')).rejects.toMatchObject({ extensions: { code: 'UNAUTHENTICATED' } });
    await expect(publish(kari, '   ')).rejects.toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: 'body' } });
    await expect(publish(kari, 'x'.repeat(20_001))).rejects.toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: 'body' } });
    await publish(kari, 'Regler');
    // The caretaker reads and may accept the rules, though they do not post.
    expect(await accept(jonas, 1)).toMatchObject({ version: 1, viewerAcceptedAt: expect.any(Date) });
    const neighbour = viewerIn(randomUUID());
    expect(await conduct().current(neighbour)).toBeNull();
    await expect(conduct().requireAccepted(neighbour)).resolves.toBeUndefined();
    const integrator: Viewer = { ...kari, memberId: null, role: null, integration: { apiKeyId: randomUUID(), scopes: ['members:read'] } };
    await expect(conduct().current(integrator)).rejects.toMatchObject({ extensions: { code: 'FORBIDDEN' } });
  });
});
