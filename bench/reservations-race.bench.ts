import { randomUUID } from 'node:crypto';
import { closeFastStore, DatabaseConnection, openFastStore, type MemberViewer } from '@tunet/kit';
import { viewerIn } from '@tunet/kit/src/kit.fixtures';
import { createReservationsSubgraph, type ReservationsSubgraph } from '@tunet/reservations';
import { resources } from '@tunet/reservations/src/tables';

/**
 * The busiest moment a booking system has: 200 residents asking for the same laundry slot at once. Each round
 * fires 200 concurrent createBooking calls for one slot (200 different members, households and idempotency keys)
 * and times them until the last answer; exactly one must be booked and 199 refused with CONFLICT. Uses PGlite
 * unless DATABASE_URL is set (the pool then works on 10 connections in parallel).
 */
const ATTEMPTS = 200;
const ROUNDS = Number(process.env.BENCH_RACE_ROUNDS ?? 5);
const HOUR = 3_600_000;

async function main(): Promise<void> {
  const database = await DatabaseConnection.open({ url: process.env.DATABASE_URL });
  const store = await openFastStore(process.env.REDIS_URL, `bench-${Date.now()}`);
  const subgraph = await createReservationsSubgraph({ database, store });
  await subgraph.migrate();
  console.log(`backend: ${database.backend}, node ${process.version}, ${ROUNDS} rounds of ${ATTEMPTS} concurrent attempts`);

  const associationId = randomUUID();
  const resourceId = randomUUID();
  await subgraph.db.tenant(associationId, (tx) => tx.insert(resources).values({ associationId, id: resourceId, name: 'Vaskeriet', bookingMode: 'range' }));
  const timings: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const start = new Date((Math.floor(Date.now() / HOUR) + 24 + round * 3) * HOUR);
    const slot = { resourceId, start, end: new Date(start.getTime() + 2 * HOUR) };
    const started = performance.now();
    const results = await Promise.allSettled(Array.from({ length: ATTEMPTS }, () => book(subgraph, viewerIn(associationId), slot)));
    const elapsed = performance.now() - started;
    timings.push(elapsed);
    const booked = results.filter((r) => r.status === 'fulfilled').length;
    const conflicts = results.filter((r) => r.status === 'rejected' && (r.reason as { extensions?: { code?: string } }).extensions?.code === 'CONFLICT').length;
    if (booked !== 1 || conflicts !== ATTEMPTS - 1) throw new Error(`round ${round + 1}: ${booked} booked, ${conflicts} conflicts`);
    console.log(
      `round ${round + 1}: ${elapsed.toFixed(0)} ms for ${ATTEMPTS} attempts (${(elapsed / ATTEMPTS).toFixed(2)} ms each), 1 booked, ${conflicts} CONFLICT`,
    );
  }
  const sorted = [...timings].sort((a, b) => a - b);
  console.log(
    `median ${sorted[Math.floor(sorted.length / 2)]!.toFixed(0)} ms, best ${sorted[0]!.toFixed(0)} ms, worst ${sorted.at(-1)!.toFixed(0)} ms per race`,
  );
  await database.close();
  await closeFastStore(store);
}

function book(subgraph: ReservationsSubgraph, viewer: MemberViewer, slot: { resourceId: string; start: Date; end: Date }) {
  const ctx = subgraph.definition.createContext({ viewer, requestId: 'bench', clientIp: '127.0.0.1', publicOrigin: null });
  return ctx.bookings.createBooking(viewer, ctx.bookingLoaders, { ...slot, idempotencyKey: randomUUID() });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
