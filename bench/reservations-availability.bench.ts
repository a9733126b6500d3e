import { randomUUID } from 'node:crypto';
import { buildSubgraphSchema } from '@apollo/subgraph';
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper';
import { closeFastStore, DatabaseConnection, openFastStore, type MemberViewer } from '@tunet/kit';
import { viewerIn } from '@tunet/kit/src/kit.fixtures';
import { createReservationsSubgraph, type ReservationsSubgraph } from '@tunet/reservations';
import { bookings } from '@tunet/reservations/src/tables';
import { graphql } from 'graphql';
import { DateTime } from 'luxon';

/**
 * The month view of a busy laundry: eight slots a day, open every day, a closed day for maintenance, and about
 * 85 % of next month's slots booked (plus cancelled bookings in between), as residents would see it. Times
 * `availability` 200 times after 20 warm-up runs, once at the service and once through the subgraph's GraphQL
 * schema (execution, resolvers and serialisation, the free times and every slot's state; no HTTP); target: p95 under
 * 20 ms. Uses PGlite unless
 * DATABASE_URL is set.
 */
const RUNS = Number(process.env.BENCH_AVAILABILITY_RUNS ?? 200);
const WARM_UP = 20;
const SLOTS = ['06:00', '08:00', '10:00', '12:00', '14:00', '16:00', '18:00', '20:00'].map((start, i, all) => ({
  start,
  end: all[i + 1] ?? '22:00',
}));

async function main(): Promise<void> {
  const database = await DatabaseConnection.open({ url: process.env.DATABASE_URL });
  const store = await openFastStore(process.env.REDIS_URL, `bench-${Date.now()}`);
  const subgraph = await createReservationsSubgraph({ database, store });
  await subgraph.migrate();
  const board = viewerIn(randomUUID(), 'board');
  const month = DateTime.now().setZone('Europe/Oslo').plus({ months: 1 }).startOf('month');
  const from = month.toISODate()!;
  const to = month.endOf('month').toISODate()!;
  const { resourceId, booked } = await busyLaundry(subgraph, board, month);
  console.log(`backend: ${database.backend}, node ${process.version}, ${from}..${to}, ${SLOTS.length} slots a day, ${booked} live bookings`);

  const ctx = subgraph.definition.createContext({ viewer: board, requestId: 'bench', clientIp: '127.0.0.1', publicOrigin: null });
  const viaService = async () => (await ctx.schedule.availability(board, { resourceId, from, to })).free.length;
  console.log(`service:  ${summary(await time(viaService))}, ${await viaService()} free slots`);

  const schema = buildSubgraphSchema({ typeDefs: subgraph.definition.typeDefs, resolvers: merged(subgraph) });
  const query = `query ($id: ID!, $from: Date!, $to: Date!) {
    availability(resourceId: $id, from: $from, to: $to) { from to resource { id name bookingMode } free { start end } slots { start end state } }
  }`;
  const viaGraphql = async () => {
    const contextValue = subgraph.definition.createContext({ viewer: board, requestId: 'bench', clientIp: '127.0.0.1', publicOrigin: null });
    const result = await graphql({ schema, source: query, variableValues: { id: resourceId, from, to }, contextValue });
    const [error] = result.errors ?? [];
    if (error) throw error;
    return (result.data as { availability: { free: unknown[] } }).availability.free.length;
  };
  console.log(`subgraph: ${summary(await time(viaGraphql))}, ${await viaGraphql()} free slots`);
  await database.close();
  await closeFastStore(store);
}

/** The laundry, set up by the board, and its bookings for the month inserted directly (the rules are not timed). */
async function busyLaundry(subgraph: ReservationsSubgraph, board: MemberViewer, month: DateTime): Promise<{ resourceId: string; booked: number }> {
  const ctx = subgraph.definition.createContext({ viewer: board, requestId: 'bench', clientIp: '127.0.0.1', publicOrigin: null });
  const resource = await ctx.resources.createResource(board, { name: 'Vaskeriet', bookingMode: 'SLOTS', slots: SLOTS, bufferMinutes: 0 });
  const hours = [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, opens: '06:00', closes: '22:00' }));
  await ctx.resources.setOpeningHours(board, ctx.resourceLoaders, { resourceId: resource.id, hours });
  const maintenance = month.plus({ days: 14 });
  await ctx.resources.addClosedPeriod(board, ctx.resourceLoaders, {
    resourceId: resource.id,
    start: maintenance.toJSDate(),
    end: maintenance.plus({ days: 1 }).toJSDate(),
    reason: 'Service på maskinene',
  });
  const rows: (typeof bookings.$inferInsert)[] = [];
  for (let day = month; day < month.plus({ months: 1 }); day = day.plus({ days: 1 })) {
    SLOTS.forEach((slot, index) => {
      const [startHour, endHour] = [slot.start, slot.end].map((clock) => Number(clock.slice(0, 2)));
      const during = { start: day.set({ hour: startHour }).toJSDate(), end: day.set({ hour: endHour }).toJSDate() };
      const live = (day.day * SLOTS.length + index) % 7 !== 0;
      rows.push(bookingRow(board.associationId, resource.id, during, live ? 'confirmed' : 'cancelled'));
    });
  }
  await subgraph.db.tenant(board.associationId, (tx) => tx.insert(bookings).values(rows));
  return { resourceId: resource.id, booked: rows.filter((row) => row.status === 'confirmed').length };
}

function bookingRow(
  associationId: string,
  resourceId: string,
  during: { start: Date; end: Date },
  status: 'confirmed' | 'cancelled',
): typeof bookings.$inferInsert {
  const id = randomUUID();
  return { associationId, id, resourceId, bookerMemberId: randomUUID(), unitId: randomUUID(), during, blocked: during, status, idempotencyKey: id };
}

/** What the kit's server does with a subgraph's resolver maps: one map, types merged field by field. */
function merged(subgraph: ReservationsSubgraph): GraphQLResolverMap<unknown> {
  const map: Record<string, Record<string, unknown>> = {};
  for (const resolvers of subgraph.definition.resolvers as Record<string, Record<string, unknown>>[]) {
    for (const [type, fields] of Object.entries(resolvers)) map[type] = Object.assign(map[type] ?? {}, fields);
  }
  return map as unknown as GraphQLResolverMap<unknown>;
}

async function time(run: () => Promise<unknown>): Promise<number[]> {
  for (let i = 0; i < WARM_UP; i++) await run();
  const timings: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now();
    await run();
    timings.push(performance.now() - started);
  }
  return timings;
}

function summary(timings: number[]): string {
  const sorted = [...timings].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!.toFixed(2);
  return `p50 ${at(0.5)} ms, p95 ${at(0.95)} ms, max ${sorted.at(-1)!.toFixed(2)} ms over ${timings.length} runs`;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
