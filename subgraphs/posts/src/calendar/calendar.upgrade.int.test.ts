import { copyFile, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { calendarFeedsShape, feedToken, newNonce, tokenHash, type Event } from '@tunet/kit';
import { migrateCalendarFeedsSchema, openTestDatabase, type TestDatabase } from '@tunet/kit/src/kit.fixtures';
import { sql } from 'drizzle-orm';
import { createPostsSubgraph, type PostsSubgraph } from '../subgraph';
import { contextOf, EVERY_REFERENCE_EXISTS, viewerIn } from '../posts.fixtures';
import { calendarKeyFrom } from './calendar.tokens';

// Feeds issued before the shared feed lifecycle (migration 0011) were subscribed to in members' calendar apps:
// their URLs must keep working after the upgrade, and keep ending as they did.

const SECRET = 'calendar-upgrade-secret';
const MIGRATIONS = path.resolve(__dirname, '../../migrations');
/** The last migration before the shared feed lifecycle. */
const BEFORE = '0010_mark_posts_deleted_by_author.sql';

let database: TestDatabase;
let subgraph: PostsSubgraph;
const associationId = randomUUID();
const [subscriber, revoked, departing] = [viewerIn(associationId), viewerIn(associationId), viewerIn(associationId)];
const board = viewerIn(associationId, 'board');
const tokens: Record<string, string> = {};

/** A feed row as posts wrote it before 0011, with the token its URL carries. */
function oldFeed(memberId: string, validUntil: Date | null) {
  const nonce = newNonce();
  const token = feedToken(calendarKeyFrom(SECRET), associationId, memberId, nonce);
  tokens[memberId] = token;
  return sql`insert into posts.calendar_feeds (association_id, member_id, nonce, token_hash, issued_at, valid_until)
    values (${associationId}, ${memberId}, ${nonce}, ${tokenHash(token)}, now() - interval '30 days', ${validUntil?.toISOString() ?? null})`;
}

beforeAll(async () => {
  database = await openTestDatabase();
  const before = await mkdtemp(path.join(tmpdir(), 'tunet-posts-migrations-'));
  try {
    for (const file of (await readdir(MIGRATIONS)).filter((f) => f <= BEFORE)) await copyFile(path.join(MIGRATIONS, file), path.join(before, file));
    const old = database.connection.forSubgraph('posts', before);
    await old.migrate();
    await old.system(async (tx) => {
      await tx.execute(oldFeed(subscriber.memberId, null));
      await tx.execute(oldFeed(revoked.memberId, new Date(Date.now() - 86_400_000)));
      await tx.execute(oldFeed(departing.memberId, null));
    });
  } finally {
    await rm(before, { recursive: true, force: true });
  }
  subgraph = await createPostsSubgraph({
    database: database.connection,
    store: { kind: 'memory', namespace: 'calendar-upgrade-test' },
    internalSecret: SECRET,
    memberReferences: EVERY_REFERENCE_EXISTS,
  });
  await subgraph.migrate();
});

afterAll(() => database.drop());

async function open(token: string): Promise<{ status: number; body: string }> {
  const route = subgraph.definition.publicRoutes!.calendar!;
  try {
    const answer = await route({ path: `/${token}.ics`, query: {}, context: { viewer: null, requestId: 'test', clientIp: '127.0.0.1' } });
    return { status: answer.status ?? 200, body: String(answer.body) };
  } catch (error) {
    return { status: (error as { status?: number }).status ?? 500, body: String(error) };
  }
}

const memberEvent = (topic: string, payload: Record<string, unknown>): Event => ({
  eventId: randomUUID(),
  topic,
  associationId,
  occurredAt: new Date(),
  payload,
});

describe('calendar feeds issued before the upgrade', () => {
  it('a subscribed URL still serves the association’s events, and is the URL its member is shown', async () => {
    const startsAt = new Date(Date.now() + 5 * 86_400_000);
    await contextOf(subgraph, board).events.createEvent(board, {
      title: 'Dugnad etter oppgraderingen',
      place: 'Gården',
      startsAt,
      endsAt: new Date(startsAt.getTime() + 7_200_000),
    });
    const answer = await open(tokens[subscriber.memberId]!);
    expect(answer.status).toBe(200);
    expect(answer.body).toContain('SUMMARY:Dugnad etter oppgraderingen');
    const shown = await contextOf(subgraph, subscriber).calendar.calendarFeed(subscriber, 'https://tunet.test');
    expect(shown.url).toBe(`https://tunet.test/calendar/${tokens[subscriber.memberId]}.ics`);
  });

  it('a URL revoked before the upgrade stays closed', async () => {
    expect((await open(tokens[revoked.memberId]!)).status).toBe(404);
  });

  it('a suspension after the upgrade ends an old URL, and a reset ends it too', async () => {
    expect((await open(tokens[departing.memberId]!)).status).toBe(200);
    await subgraph.calendar.revoke(memberEvent('member.suspended', { memberId: departing.memberId, reason: 'x', until: null }));
    expect((await open(tokens[departing.memberId]!)).status).toBe(404);

    const before = await contextOf(subgraph, subscriber).calendar.calendarFeed(subscriber, 'https://tunet.test');
    await contextOf(subgraph, subscriber).calendar.resetCalendarFeed(subscriber, 'https://tunet.test');
    expect((await open(tokens[subscriber.memberId]!)).status).toBe(404);
    expect(before.url).toContain(tokens[subscriber.memberId]);
  });

  it('leaves the table in the kit’s shape: columns, keys, indexes and row-level security', async () => {
    const reference = await migrateCalendarFeedsSchema(database.connection, 'feeds_reference');
    expect(await calendarFeedsShape(database.connection.forSubgraph('posts', 'unused: migrated above'))).toEqual(await calendarFeedsShape(reference));
  });
});
