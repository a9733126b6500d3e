import { Worker } from 'node:worker_threads';
import { DEMO_PASSWORD } from '@tunet/members';
import { aliases, fragmentBomb, POSTS_WITH_COMMENTS } from '../test/e2e/operation-attacks';
import { openBenchStack } from './bench.fixtures';

/**
 * How long the gateway takes to refuse the operations of issue 11 that used to block it for seconds, and whether a
 * member's `{ me { id } }` is slowed down while attackers send them back to back. The attackers are worker threads,
 * so their own work (building and sending 17.9 MB) is not done on the gateway's event loop, as it would not be from
 * another machine; they still share the machine's cores. Loopback only; PGlite and the in-process store unless
 * DATABASE_URL / REDIS_URL are set. Bounded: a fixed number of requests per measurement.
 */
const REFUSALS = Number(process.env.BENCH_REFUSALS ?? 30);
const ME_REQUESTS = Number(process.env.BENCH_ME ?? 300);
const ATTACKERS = Number(process.env.BENCH_ATTACKERS ?? 2);

interface Attack {
  name: string;
  body: string;
  asMember: boolean;
  status: number;
  code: string;
}

const ATTACKS: Attack[] = [
  {
    name: 'fragments, 20 levels doubly spread (1.7 kB, anonymous)',
    body: JSON.stringify({ query: fragmentBomb(20) }),
    asMember: false,
    status: 400,
    code: 'QUERY_TOO_COMPLEX',
  },
  {
    name: '900,000 __typename aliases (17.9 MB, anonymous)',
    body: JSON.stringify({ query: aliases(900_000, '__typename') }),
    asMember: false,
    status: 413,
    code: 'PAYLOAD_TOO_LARGE',
  },
  {
    name: '25,000 __typename aliases (just under 512 kB, anonymous)',
    body: JSON.stringify({ query: aliases(25_000, '__typename') }),
    asMember: false,
    status: 400,
    code: 'QUERY_TOO_COMPLEX',
  },
  {
    name: '1,000 aliases of posts(first: 100) { comments(first: 100) } (90 kB, member)',
    body: JSON.stringify({ query: aliases(1000, POSTS_WITH_COMMENTS) }),
    asMember: true,
    status: 400,
    code: 'QUERY_TOO_COMPLEX',
  },
];

async function main(): Promise<void> {
  const stack = await openBenchStack();
  const { database, store } = stack;
  const send = async (body: string, token?: string) => {
    const response = await fetch(stack.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body,
    });
    return {
      status: response.status,
      body: (await response.json()) as { data?: Record<string, { accessToken: string }>; errors?: { extensions?: { code?: string } }[] },
    };
  };
  const login = await send(
    JSON.stringify({ query: `mutation { login(input: { email: "ola@solbakken.example", password: "${DEMO_PASSWORD}" }) { accessToken } }` }),
  );
  const token = login.body.data!.login!.accessToken;
  const attack = async ({ body, asMember, status, code, name }: Attack) => {
    const answer = await send(body, asMember ? token : undefined);
    if (answer.status !== status || answer.body.errors?.[0]?.extensions?.code !== code)
      throw new Error(`${name}: ${answer.status} ${JSON.stringify(answer.body)}`);
  };
  const me = async () => {
    const answer = await send(JSON.stringify({ query: '{ me { id } }' }), token);
    if (answer.body.errors) throw new Error(JSON.stringify(answer.body.errors));
  };

  console.log(`backend: ${database.backend}, store: ${store.kind}, node ${process.version}`);
  for (const each of ATTACKS) {
    await attack(each); // warm-up
    console.log(`refusal of ${each.name}: ${summary(await timed(REFUSALS, () => attack(each)))} (n=${REFUSALS})`);
  }

  for (let i = 0; i < 50; i++) await me(); // warm-up: query plan, JIT, pools
  console.log(`me alone: ${summary(await timed(ME_REQUESTS, me))} (n=${ME_REQUESTS})`);
  for (const each of ATTACKS) {
    const attackers = Array.from({ length: ATTACKERS }, () => startAttacker(stack.gatewayUrl, each, each.asMember ? token : undefined));
    await new Promise((resolve) => setTimeout(resolve, 500)); // the attackers are under way
    const during = await timed(ME_REQUESTS, me);
    const refused = await Promise.all(attackers.map((stop) => stop()));
    console.log(
      `me while ${ATTACKERS} attackers send ${each.name} back to back: ${summary(during)} ` +
        `(n=${ME_REQUESTS}; ${refused.reduce((a, b) => a + b, 0)} attacks refused meanwhile)`,
    );
  }

  await stack.close();
}

/** An attacker on its own thread sending one attack back to back; stopping it tells how many were refused as expected. */
function startAttacker(url: string, attack: Attack, token: string | undefined): () => Promise<number> {
  const worker = new Worker(
    `const { parentPort, workerData: w } = require('node:worker_threads');
     let running = true, refused = 0;
     parentPort.on('message', () => { running = false; });
     const body = Buffer.from(w.body);
     (async () => {
       while (running) {
         const response = await fetch(w.url, { method: 'POST', headers: w.headers, body });
         const answer = await response.json();
         if (response.status === w.status && answer.errors[0].extensions.code === w.code) refused++;
       }
       parentPort.postMessage(refused);
     })();`,
    {
      eval: true,
      workerData: {
        url,
        body: attack.body,
        status: attack.status,
        code: attack.code,
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      },
    },
  );
  return () =>
    new Promise<number>((resolve, reject) => {
      worker.once('message', (refused: number) => void worker.terminate().then(() => resolve(refused)));
      worker.once('error', reject);
      worker.postMessage('stop');
    });
}

/** Client-side latencies of `count` requests one after another, sorted. */
async function timed(count: number, run: () => Promise<void>): Promise<number[]> {
  const latencies: number[] = [];
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    await run();
    latencies.push(performance.now() - started);
  }
  return latencies.sort((a, b) => a - b);
}

function summary(sorted: number[]): string {
  const pct = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!.toFixed(1);
  return `p50 ${pct(50)} ms, p95 ${pct(95)} ms, max ${sorted[sorted.length - 1]!.toFixed(1)} ms`;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
