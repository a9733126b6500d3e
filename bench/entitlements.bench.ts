import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { closeFastStore, EntitlementsReader, openFastStore, announceEntitlementsChanged, type Entitlements } from '@tunet/kit';
import { buildSchema, Kind, parse, type OperationDefinitionNode } from 'graphql';
import { featureGatesOf, featuresSelected } from '../gateway/src/feature-gates';

/**
 * What entitlements add to each gateway request (docs/decisions/0031): the kit's reader answering from its local
 * copy (nearly every request), from the shared copy (once per 5 s per association and process, or after a change),
 * and from billing (a loader that answers at once, so only the cache's own work and the shared write are timed); and
 * the gate's walk over an operation. In-process store unless REDIS_URL is set. Bounded: BENCH_READS reads each.
 */
const READS = Number(process.env.BENCH_READS ?? 20_000);
const SHARED_READS = Math.min(READS, 2_000);

function percentiles(samples: number[]): string {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
  const us = (ms: number) => `${(ms * 1000).toFixed(1)} µs`;
  return `p50 ${us(at(50))}, p95 ${us(at(95))}, p99 ${us(at(99))} over ${samples.length}`;
}

async function timed(times: number, run: (i: number) => unknown): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < times; i++) {
    const started = performance.now();
    await run(i);
    samples.push(performance.now() - started);
  }
  return samples;
}

async function main(): Promise<void> {
  const store = await openFastStore(process.env.REDIS_URL, `bench-${Date.now()}`);
  const load = async (associationId: string): Promise<Entitlements> => ({ associationId, features: ['base', 'sms'], limits: { smsPerMonth: 500 } });
  const reader = await EntitlementsReader.open(store, load);
  const other = await EntitlementsReader.open(store, load);
  const associations = Array.from({ length: SHARED_READS }, () => randomUUID());
  try {
    console.log(`store: ${store.kind}`);
    const misses = await timed(SHARED_READS, (i) => reader.read(associations[i]!));
    console.log(`miss (billing answers at once; shared copy written): ${percentiles(misses)}`);
    const shared = await timed(SHARED_READS, (i) => other.read(associations[i]!));
    console.log(`shared copy (another process's first read):        ${percentiles(shared)}`);
    const local = await timed(READS, (i) => reader.read(associations[i % 100]!));
    console.log(`local copy (every other request):                  ${percentiles(local)}`);
    const announced = await timed(200, (i) => announceEntitlementsChanged(store, associations[i]!));
    console.log(`announceEntitlementsChanged (billing's side):      ${percentiles(announced)}`);

    const supergraph = readFileSync(path.resolve(__dirname, '../schema/supergraph.graphql'), 'utf8');
    const gates = featureGatesOf(supergraph);
    // The supergraph's own types (join machinery included) are the API's, as far as the walk is concerned.
    const schema = buildSchema(supergraph);
    const document = parse(
      'query Home { me { id displayName } notifications(first: 20) { nodes { id title } } unreadNotificationCount smsUsage { sent limit } }',
    );
    const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)!;
    const walks = await timed(READS, () => featuresSelected(schema, document, operation, gates));
    console.log(`gate walk (5 root fields, 1 gated):                ${percentiles(walks)}`);
  } finally {
    await reader.close();
    await other.close();
    await closeFastStore(store);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
