import { DEMO_PASSWORD } from '@tunet/members';
import { openBenchStack } from './bench.fixtures';

/**
 * Latency and throughput of the federation on this machine, over loopback only: the gateway verifying a token and
 * signing subgraph calls, for a one-subgraph query (`me`) and a two-subgraph query (feed with authors).
 * Uses PGlite and the in-process store unless DATABASE_URL / REDIS_URL are set. Bounded: a fixed number of requests.
 */
const SEQUENTIAL = Number(process.env.BENCH_SEQUENTIAL ?? 300);
const CONCURRENT = Number(process.env.BENCH_CONCURRENT ?? 2000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);

const QUERIES = {
  me: '{ me { id displayName roles association { name } } }',
  'feed (posts + members)': '{ posts(first: 20) { nodes { id title author { displayName roles } } } }',
  // What the app's feed shows per card: rendered Markdown, audience, unread state, counts, reactions, attachments.
  'feed cards (20, all fields)':
    '{ posts(first: 20) { nodes { id kind title bodyHtml excerpt audience { kind id } important pinnedAt viewerHasRead ' +
    'commentCount reactions { reaction count } viewerReactions attachments { id fileName thumbnailUrl } ' +
    'author { displayName } } } }',
};

async function main(): Promise<void> {
  const stack = await openBenchStack();
  const { database, store } = stack;
  const post = (query: string, token?: string) =>
    fetch(stack.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query }),
    }).then(async (response) => {
      const body = (await response.json()) as { errors?: unknown };
      if (body.errors) throw new Error(JSON.stringify(body.errors));
      return body as { data: Record<string, { accessToken: string }> };
    });
  const login = await post(`mutation { login(input: { email: "kari@solbakken.example", password: "${DEMO_PASSWORD}" }) { accessToken } }`);
  const token = login.data.login!.accessToken;

  console.log(`backend: ${database.backend}, store: ${store.kind}, node ${process.version}`);
  for (const [name, query] of Object.entries(QUERIES)) {
    for (let i = 0; i < 50; i++) await post(query, token); // warm-up: query plans, JIT, connection pools
    const latencies: number[] = [];
    for (let i = 0; i < SEQUENTIAL; i++) {
      const started = performance.now();
      await post(query, token);
      latencies.push(performance.now() - started);
    }
    latencies.sort((a, b) => a - b);
    const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))]!.toFixed(2);

    let next = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next++ < CONCURRENT) await post(query, token);
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    console.log(
      `${name}: sequential p50 ${pct(50)} ms, p95 ${pct(95)} ms, p99 ${pct(99)} ms (n=${SEQUENTIAL}); ` +
        `${(CONCURRENT / seconds).toFixed(0)} req/s at concurrency ${CONCURRENCY} (n=${CONCURRENT})`,
    );
  }
  await stack.close();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
