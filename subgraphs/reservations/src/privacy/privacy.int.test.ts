import { randomUUID } from 'node:crypto';
import {
  PRIVACY_ERASE_ASSOCIATION_ROUTE,
  PRIVACY_ERASE_ROUTE,
  PRIVACY_EXPORT_ASSOCIATION_ROUTE,
  PRIVACY_EXPORT_ROUTE,
  runRetention,
  type MemberViewer,
  type PrivacyEraseAnswer,
  type PrivacyExportAnswer,
  type RequestContext,
} from '@tunet/kit';
import { testBackend } from '@tunet/kit/src/kit.fixtures';
import { sql } from 'drizzle-orm';
import { DateTime } from 'luxon';
import { arrangeBooking, arrangeResource } from '../lifecycle/lifecycle.fixtures';
import { openReservationsTestBed, viewerIn, type ReservationsTestBed } from '../reservations.fixtures';
import { PERSONAL_DATA } from './personal-data';
import { ERASED_KEY_PREFIX, query } from './privacy.repository';
import { CHARGES_PURGE } from './privacy.service';

let bed: ReservationsTestBed;
const TOMBSTONE = randomUUID();
const PROCESS = { viewer: null, requestId: 'test', clientIp: '127.0.0.1' } as RequestContext;
const DAY = 24 * 3_600_000;

beforeAll(async () => {
  bed = await openReservationsTestBed();
}, 120_000);

afterAll(() => bed.close());

function route<T>(name: string, body: unknown): Promise<T> {
  return bed.subgraph.definition.internalRoutes![name]!(body, PROCESS) as Promise<T>;
}

const exportOf = (associationId: string, memberId: string) =>
  route<PrivacyExportAnswer>(PRIVACY_EXPORT_ROUTE, { kind: 'privacy.export', requestId: randomUUID(), associationId, memberId });

const erase = (associationId: string, memberId: string, tombstoneMemberId = TOMBSTONE) =>
  route<PrivacyEraseAnswer>(PRIVACY_ERASE_ROUTE, {
    kind: 'privacy.erase',
    requestId: randomUUID(),
    associationId,
    memberId,
    policy: { keepContent: ['posts'], tombstoneMemberId, reason: 'request' },
  });

function rows<T>(statement: ReturnType<typeof sql>): Promise<T[]> {
  return bed.subgraph.db.system((tx) => query<T>(tx, statement));
}

const span = (fromNowDays: number) => ({
  start: new Date(Date.now() + fromNowDays * DAY),
  end: new Date(Date.now() + fromNowDays * DAY + 2 * 3_600_000),
});

/** A person with past and future bookings, paid and free, a calendar feed, and a neighbour's booking. */
async function seed(associationId: string) {
  const person: MemberViewer = viewerIn(associationId);
  const neighbour: MemberViewer = viewerIn(associationId);
  const db = bed.subgraph.db;
  const room = await arrangeResource(db, associationId, 'Selskapslokalet');
  const booked = {
    pastPaid: await arrangeBooking(db, person, room, span(-30), { paid: 50_000, comment: 'Bursdag for Kari' }),
    pastFree: await arrangeBooking(db, person, room, span(-20)),
    aheadPaid: await arrangeBooking(db, person, room, span(10), { paid: 30_000 }),
    aheadFree: await arrangeBooking(db, person, room, span(12), { status: 'pending' }),
    neighbours: await arrangeBooking(db, neighbour, room, span(14), { paid: 20_000 }),
  };
  await db.tenant(associationId, (tx) =>
    tx.execute(sql`insert into reservations.calendar_feeds (association_id, member_id, about, nonce, token_hash, issued_at)
                   values (${associationId}, ${person.memberId}, '', ${randomUUID()}, ${randomUUID()}, now())`),
  );
  return { person, neighbour, room, ...booked };
}

describe('reservations privacy routes', () => {
  it('exports the person’s bookings, charges and feeds without the feed token, and nothing from another association', async () => {
    const associationId = randomUUID();
    const s = await seed(associationId);
    const answer = await exportOf(associationId, s.person.memberId);
    expect(answer.receipt.map((entry) => entry.table).sort()).toEqual(Object.keys(PERSONAL_DATA).sort());
    expect(answer.tables.bookings!.map((row) => row.id).sort()).toEqual([s.pastPaid, s.pastFree, s.aheadPaid, s.aheadFree].sort());
    expect(answer.tables.charges).toHaveLength(2);
    expect(answer.tables.calendar_feeds).toHaveLength(1);
    expect(answer.tables.calendar_feeds![0]).not.toHaveProperty('token_hash');
    expect(answer.tables.calendar_feeds![0]).not.toHaveProperty('nonce');
    expect((await exportOf(randomUUID(), s.person.memberId)).receipt.every((entry) => entry.rows === 0)).toBe(true);
  });

  it('erases: bookings ahead cancelled and refunded, free ones deleted, charges kept stripped for the bookkeeping, once', async () => {
    const associationId = randomUUID();
    const s = await seed(associationId);
    const answer = await erase(associationId, s.person.memberId);
    const year = DateTime.now().setZone('Europe/Oslo').year;
    expect(answer.receipt.find((entry) => entry.table === 'charges')).toMatchObject({
      action: 'kept',
      rows: 3,
      lawfulBasis: 'legal_obligation',
      keptUntil: `${year + 5}-12-31`,
    });
    expect(answer.receipt.find((entry) => entry.table === 'bookings')).toMatchObject({ action: 'anonymised', rows: 4 });
    expect(answer.receipt.find((entry) => entry.table === 'calendar_feeds')).toMatchObject({ action: 'erased', rows: 1 });

    const bookings = await rows<{
      id: string;
      booker_member_id: string;
      unit_id: string | null;
      comment: string | null;
      status: string;
      idempotency_key: string;
    }>(sql`select id, booker_member_id, unit_id, comment, status, idempotency_key from reservations.bookings where association_id = ${associationId}`);
    const byId = new Map(bookings.map((row) => [row.id, row]));
    expect(byId.has(s.pastFree)).toBe(false);
    expect(byId.has(s.aheadFree)).toBe(false);
    expect(byId.get(s.pastPaid)).toMatchObject({
      booker_member_id: TOMBSTONE,
      unit_id: null,
      comment: null,
      idempotency_key: `${ERASED_KEY_PREFIX}${s.pastPaid}`,
    });
    expect(byId.get(s.aheadPaid)).toMatchObject({ booker_member_id: TOMBSTONE, status: 'cancelled' });
    expect(byId.get(s.neighbours)).toMatchObject({ booker_member_id: s.neighbour.memberId, status: 'confirmed' });

    // The board's charges export still lists the stripped charges, the refund included, under the tombstone.
    const board = viewerIn(associationId, 'board');
    const page = await bed.subgraph.bookings.charges(board, { from: new Date(Date.now() - 365 * DAY), to: new Date(Date.now() + DAY), first: 50 });
    const theirs = page.nodes.filter((charge) => charge.memberId === TOMBSTONE);
    expect(theirs.map((charge) => charge.amount).sort((x, y) => x - y)).toEqual([-30_000, 30_000, 50_000]);
    expect(theirs.every((charge) => charge.unitId === null)).toBe(true);
    expect(page.nodes.some((charge) => charge.memberId === s.neighbour.memberId)).toBe(true);

    expect((await exportOf(associationId, s.person.memberId)).receipt.filter((entry) => entry.rows > 0)).toEqual([]);
    const again = await erase(associationId, s.person.memberId);
    expect(again.receipt.filter((entry) => entry.rows > 0)).toEqual([]);
  });
});

describe('reservations privacy routes, under attack', () => {
  it('refunds a booking ahead once when the same person is erased twice at once', async () => {
    const associationId = randomUUID();
    const s = await seed(associationId);
    if (testBackend() === 'pglite') {
      await Promise.all([erase(associationId, s.person.memberId), erase(associationId, s.person.memberId)]);
    } else {
      // The booking ahead held by another transaction, both erasures start and stop on it (or on each other).
      let both: Promise<unknown> = Promise.resolve();
      await bed.subgraph.db.system(async (tx) => {
        await tx.execute(sql`select 1 from reservations.bookings where id = ${s.aheadPaid} for no key update`);
        both = Promise.all([erase(associationId, s.person.memberId), erase(associationId, s.person.memberId)]);
        for (let waiting = 0; waiting < 2;) {
          await new Promise((resolve) => setTimeout(resolve, 20));
          const [locks] = await query<{ waiting: number }>(
            tx,
            sql`select count(distinct l.pid)::int as waiting from pg_locks l join pg_stat_activity a on a.pid = l.pid
                where not l.granted and a.datname = current_database()`,
          );
          waiting = locks!.waiting;
        }
      });
      await both;
    }
    const refunds = await rows(sql`select 1 from reservations.charges where booking_id = ${s.aheadPaid} and reason = 'cancellation_refund'`);
    expect(refunds).toHaveLength(1);
  });

  it('exports only what a board member did on a neighbour’s booking, never the neighbour’s comment or household', async () => {
    const associationId = randomUUID();
    const s = await seed(associationId);
    await rows(
      sql`update reservations.bookings set comment = 'Bryllup for Nils', decided_by_member_id = ${s.person.memberId}, decided_at = now()
          where id = ${s.neighbours} returning 1`,
    );
    const answer = await exportOf(associationId, s.person.memberId);
    expect(JSON.stringify(answer.tables)).not.toContain('Bryllup');
    expect(JSON.stringify(answer.tables)).not.toContain(s.neighbour.memberId);
    expect(answer.tables.bookings!.find((row) => row.id === s.neighbours)).toEqual({
      id: s.neighbours,
      action: 'decided',
      status: 'confirmed',
      at: expect.anything(),
    });
  });

  it('receipts count only the person’s own bookings: deleted ones erased, kept ones anonymised', async () => {
    const associationId = randomUUID();
    const s = await seed(associationId);
    await rows(sql`update reservations.bookings set decided_by_member_id = ${s.neighbour.memberId} where id = ${s.pastFree} returning 1`);
    // The neighbour acted for the board on the person's booking only, and booked one of their own with a charge.
    const neighbours = await erase(associationId, s.neighbour.memberId);
    expect(neighbours.receipt.find((entry) => entry.table === 'bookings')).toMatchObject({ action: 'anonymised', rows: 1 });
    const free = viewerIn(associationId);
    await arrangeBooking(bed.subgraph.db, free, s.room, span(-40));
    const freeOnly = await erase(associationId, free.memberId);
    expect(freeOnly.receipt.find((entry) => entry.table === 'bookings')).toMatchObject({ action: 'erased', rows: 1 });
  });

  it('refuses to erase the tombstone (409), whether named as its own tombstone or found by what erasures kept', async () => {
    const associationId = randomUUID();
    const s = await seed(associationId);
    await expect(erase(associationId, TOMBSTONE)).rejects.toMatchObject({ status: 409 });
    await erase(associationId, s.person.memberId);
    await expect(erase(associationId, TOMBSTONE, randomUUID())).rejects.toMatchObject({ status: 409 });
    const kept = await rows(sql`select 1 from reservations.bookings where association_id = ${associationId} and booker_member_id = ${TOMBSTONE}`);
    expect(kept).toHaveLength(2);
  });
});

describe('charges retention', () => {
  it('never deletes a resident’s booking whose request key a client chose to start with erased:', async () => {
    const associationId = randomUUID();
    const s = await seed(associationId);
    await rows(sql`update reservations.bookings set idempotency_key = ${`${ERASED_KEY_PREFIX}mine`} where id = ${s.aheadFree} returning 1`);
    await bed.subgraph.privacy.purgeExpiredCharges(new Date());
    expect(await rows(sql`select 1 from reservations.bookings where id = ${s.aheadFree}`)).toHaveLength(1);
  });

  it('deletes charges after five years from the end of their fiscal year, then the bookings kept for them, once, logging every run', async () => {
    const associationId = randomUUID();
    const s = await seed(associationId);
    await erase(associationId, s.person.memberId);
    // The erased person's past charge, and the neighbour's, were made in 2020; the rest are this year's.
    await bed.subgraph.db.system((tx) =>
      tx.execute(sql`update reservations.charges set created_at = '2020-06-01T10:00:00Z' where booking_id in (${s.pastPaid}, ${s.neighbours})`),
    );
    const runs = async () => (await rows<{ n: number }>(sql`select count(*)::int as n from reservations.retention_runs where job = ${CHARGES_PURGE}`))[0]!.n;
    const before = await runs();
    const pass = (at: string) =>
      runRetention(
        bed.subgraph.db,
        CHARGES_PURGE,
        () => new Date(at),
        (now) => bed.subgraph.privacy.purgeExpiredCharges(now),
      );

    // 2020's charges are kept until 31 December 2025; at 23:30 UTC that day it is already 2026 in Oslo.
    expect(await pass('2025-12-31T22:30:00Z')).toEqual({ charges: 0, bookings: 0 });
    expect(await pass('2025-12-31T23:30:00Z')).toEqual({ charges: 2, bookings: 1 });
    const left = await rows<{ id: string }>(sql`select id from reservations.bookings where id in (${s.pastPaid}, ${s.neighbours}, ${s.aheadPaid})`);
    // The erased booking went with its last charge; the neighbour's own booking stays; this year's charges stay.
    expect(left.map((row) => row.id).sort()).toEqual([s.neighbours, s.aheadPaid].sort());
    expect(await rows(sql`select 1 from reservations.charges where booking_id = ${s.aheadPaid}`)).toHaveLength(2);
    expect(await pass('2026-01-01T12:00:00Z')).toEqual({ charges: 0, bookings: 0 });
    expect((await runs()) - before).toBe(3);
  });
});

describe('a terminated association', () => {
  it('exports all of it, then deletes every row, leaving other associations alone', async () => {
    const gone = randomUUID();
    const kept = randomUUID();
    const s = await seed(gone);
    const other = await seed(kept);
    const exported = await route<PrivacyExportAnswer>(PRIVACY_EXPORT_ASSOCIATION_ROUTE, {
      kind: 'privacy.export-association',
      requestId: randomUUID(),
      associationId: gone,
    });
    expect(exported.tables.bookings).toHaveLength(5);
    expect(exported.tables.resources!.map((row) => row.id)).toEqual([s.room]);
    await expect(
      route(PRIVACY_ERASE_ASSOCIATION_ROUTE, { kind: 'privacy.export-association', requestId: randomUUID(), associationId: gone }),
    ).rejects.toMatchObject({
      status: 400,
    });
    const erased = await route<PrivacyEraseAnswer>(PRIVACY_ERASE_ASSOCIATION_ROUTE, {
      kind: 'privacy.erase-association',
      requestId: randomUUID(),
      associationId: gone,
    });
    expect(erased.receipt.find((entry) => entry.table === 'bookings')).toMatchObject({ action: 'erased', rows: 5 });
    for (const table of ['bookings', 'charges', 'calendar_feeds', 'resources']) {
      expect(await rows(sql`select 1 from ${sql.raw(`reservations.${table}`)} where association_id = ${gone}`)).toEqual([]);
    }
    expect(await rows(sql`select 1 from reservations.bookings where id = ${other.pastPaid}`)).toHaveLength(1);
  });
});
