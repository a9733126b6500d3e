import { copyFile, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { calendarFeedsShape, feedKeyFrom, feedToken, newNonce, tokenHash, type Event } from '@tunet/kit';
import { migrateCalendarFeedsSchema, openTestDatabase, type TestDatabase } from '@tunet/kit/src/kit.fixtures';
import { sql } from 'drizzle-orm';
import * as fixtures from '../lifecycle/lifecycle.fixtures';
import { createReservationsSubgraph, type ReservationsSubgraph } from '../subgraph';
import { resources } from '../tables';
import { viewerIn } from '../reservations.fixtures';

// Feeds issued before the shared feed lifecycle (migration 0005) were subscribed to in members' calendar apps:
// their URLs must keep working after the upgrade, and keep ending as they did.

const SECRET = 'bookings-calendar-upgrade-secret';
const ORIGIN = 'https://tunet.test';
const MIGRATIONS = path.resolve(__dirname, '../../migrations');
/** The last migration before the shared feed lifecycle. */
const BEFORE = '0004_calendar_feed_nonces.sql';

let database: TestDatabase;
let subgraph: ReservationsSubgraph;
const associationId = randomUUID();
const resourceId = randomUUID();
const [subscriber, revoked, departing] = [viewerIn(associationId), viewerIn(associationId), viewerIn(associationId)];
const tokens: Record<string, string> = {};

/** A feed row as reservations wrote it before 0005 (of the member's own bookings, or of a resource). */
function oldFeed(name: string, memberId: string, resource: string | null, revokedAt: Date | null) {
  const nonce = newNonce();
  const subject = resource ? `${memberId}:${resource}` : memberId;
  const token = feedToken(feedKeyFrom(SECRET, 'tunet bookings calendar feed tokens'), associationId, subject, nonce);
  tokens[name] = token;
  return sql`insert into reservations.calendar_feeds (association_id, id, member_id, resource_id, token_hash, nonce, created_at, revoked_at)
    values (${associationId}, ${randomUUID()}, ${memberId}, ${resource}, ${tokenHash(token)}, ${nonce}, now() - interval '30 days', ${revokedAt?.toISOString() ?? null})`;
}

beforeAll(async () => {
  database = await openTestDatabase();
  const before = await mkdtemp(path.join(tmpdir(), 'tunet-reservations-migrations-'));
  try {
    for (const file of (await readdir(MIGRATIONS)).filter((f) => f <= BEFORE)) await copyFile(path.join(MIGRATIONS, file), path.join(before, file));
    const old = database.connection.forSubgraph('reservations', before);
    await old.migrate();
    await old.system(async (tx) => {
      await tx.execute(oldFeed('own', subscriber.memberId, null, null));
      await tx.execute(oldFeed('resource', subscriber.memberId, resourceId, null));
      await tx.execute(oldFeed('revoked', revoked.memberId, null, new Date(Date.now() - 86_400_000)));
      await tx.execute(oldFeed('departing', departing.memberId, null, null));
      await tx.execute(oldFeed('departing resource', departing.memberId, resourceId, null));
    });
  } finally {
    await rm(before, { recursive: true, force: true });
  }
  subgraph = await createReservationsSubgraph({
    database: database.connection,
    store: { kind: 'memory', namespace: `reservations-upgrade-${randomUUID()}` },
    internalSecret: SECRET,
  });
  await subgraph.migrate();
});

afterAll(() => database.drop());

async function open(token: string): Promise<{ status: number; body: string }> {
  const route = subgraph.definition.publicRoutes!['bookings-calendar']!;
  try {
    const answer = await route({ path: `/${token}.ics`, query: {}, context: { viewer: null, requestId: 'test', clientIp: '127.0.0.1' } });
    return { status: answer.status ?? 200, body: String(answer.body) };
  } catch (error) {
    return { status: (error as { status?: number }).status ?? 500, body: String(error) };
  }
}

const movedOut = (memberId: string, moveOut: string): Event => ({
  eventId: randomUUID(),
  topic: 'member.moved_out',
  associationId,
  occurredAt: new Date(),
  payload: { memberId, unitId: randomUUID(), tenureId: randomUUID(), moveOut },
});

describe('bookings calendar feeds issued before the upgrade', () => {
  it('subscribed URLs still serve the member’s bookings and the resource’s, and are the URLs shown', async () => {
    // The resource id the old feed row names, so its feed finds it.
    await subgraph.db.tenant(associationId, (tx) => tx.insert(resources).values({ associationId, id: resourceId, name: 'Vaskeriet', bookingMode: 'range' }));
    const start = new Date(Date.now() + 48 * 3_600_000);
    const booking = await fixtures.arrangeBooking(subgraph.db, subscriber, resourceId, { start, end: new Date(start.getTime() + 3 * 3_600_000) });

    const own = await open(tokens.own!);
    expect(own.status).toBe(200);
    expect(own.body).toContain(`UID:${booking}@tunet`);
    expect(own.body).toContain('SUMMARY:Vaskeriet');
    const ofResource = await open(tokens.resource!);
    expect(ofResource.status).toBe(200);
    expect(ofResource.body).toContain(`UID:${booking}@tunet`);
    expect(ofResource.body).toContain('SUMMARY:Opptatt');

    expect((await subgraph.calendar.myBookingsCalendar(subscriber, ORIGIN)).url).toBe(`${ORIGIN}/bookings-calendar/${tokens.own}.ics`);
    expect((await subgraph.calendar.resourceCalendar(subscriber, resourceId, ORIGIN)).url).toBe(`${ORIGIN}/bookings-calendar/${tokens.resource}.ics`);
  });

  it('a URL revoked before the upgrade stays closed', async () => {
    expect((await open(tokens.revoked!)).status).toBe(404);
  });

  it('a move-out after the upgrade ends every old URL of the member; a reset ends one', async () => {
    expect((await open(tokens.departing!)).status).toBe(200);
    await subgraph.calendar.revoke(movedOut(departing.memberId, '2020-01-31'));
    expect((await open(tokens.departing!)).status).toBe(404);
    expect((await open(tokens['departing resource']!)).status).toBe(404);

    await subgraph.calendar.resetBookingsCalendar(subscriber, { resourceId }, ORIGIN);
    expect((await open(tokens.resource!)).status).toBe(404);
    expect((await open(tokens.own!)).status).toBe(200);
  });

  it('leaves the table in the kit’s shape: columns, keys, indexes and row-level security', async () => {
    const reference = await migrateCalendarFeedsSchema(database.connection, 'feeds_reference');
    expect(await calendarFeedsShape(subgraph.db)).toEqual(await calendarFeedsShape(reference));
  });
});
