import path from 'node:path';
import { subgraphTimeoutsFromEnv } from '@tunet/gateway';
import {
  closeFastStore,
  createLogger,
  exitOnUnhandled,
  DatabaseConnection,
  loadOrCreateDevSecrets,
  metricsPortFromEnv,
  onShutdown,
  openFastStore,
  shutdownDelayMs,
  startTracingFromEnv,
} from '@tunet/kit';
import { DEMO_PASSWORD } from '@tunet/members';
import { configFromEnv, loadOrCreateVapidKeys } from '@tunet/notifications';
import { startStack } from '@tunet/stack';

/**
 * `npm start`: the whole of Tunet in one process on the embedded default — PGlite persisted under ./.data,
 * in-process stand-ins for Redis, development keys generated on first start — with demo data.
 * DATABASE_URL and REDIS_URL switch to real servers without changing anything else.
 */
async function main(): Promise<void> {
  const startedAt = performance.now();
  exitOnUnhandled('tunet');
  const logger = createLogger('tunet');
  // One process, one service name (tunet) for every span; subgraph spans say which subgraph (tunet.subgraph).
  const tracing = await startTracingFromEnv('tunet', logger);
  // One machine, no load balancer to tell: stop at once unless SHUTDOWN_DELAY_MS says otherwise.
  const delayMs = shutdownDelayMs(0);
  const dataDir = path.resolve(process.env.TUNET_DATA_DIR ?? '.data');
  const secrets = await loadOrCreateDevSecrets(dataDir);
  const database = await DatabaseConnection.open({ url: process.env.DATABASE_URL, dataDir: path.join(dataDir, 'pglite') });
  const store = await openFastStore(process.env.REDIS_URL);
  // Web Push works out of the box: a development key pair is kept beside the data, as the JWT keys are.
  const webPush = configFromEnv().webPush ?? (await loadOrCreateVapidKeys(dataDir));
  const stack = await startStack({
    database,
    store,
    secrets,
    ports: {
      gateway: Number(process.env.PORT ?? 4000),
      members: 4001,
      posts: 4002,
      reservations: 4003,
      notifications: 4004,
      billing: 4005,
      privacy: 4006,
      operations: 4007,
    },
    host: process.env.HOST ?? '127.0.0.1',
    introspection: true,
    demoData: demoDataWanted(process.env),
    notifications: { webPush },
    subgraphTimeouts: subgraphTimeoutsFromEnv(process.env),
    metricsPort: metricsPortFromEnv(),
    logger,
  });
  const seconds = ((performance.now() - startedAt) / 1000).toFixed(1);
  console.log(`
Tunet is running (${database.backend}, data in ${path.relative(process.cwd(), dataDir) || '.'}) — ready in ${seconds} s
  GraphQL endpoint: ${stack.gatewayUrl}${stack.metricsUrl ? `\n  Metrics:          ${stack.metricsUrl}` : ''}
  Demo login:       kari@solbakken.example / ${DEMO_PASSWORD}   (board, Solbakken borettslag)
                    ola@solbakken.example  / ${DEMO_PASSWORD}   (resident)
                    eva@fjordly.example    / ${DEMO_PASSWORD}   (board, Fjordly sameie)
                    operator@tunet.example / ${DEMO_PASSWORD}   (platform operator, no association)
  ${stack.demoLoaded ? 'Demo data loaded on this first start.' : 'Existing data kept.'}

  curl -s ${stack.gatewayUrl} -H 'content-type: application/json' \\
    -d '{"query":"mutation { login(input: {email: \\"kari@solbakken.example\\", password: \\"${DEMO_PASSWORD}\\"}) { accessToken } }"}'
`);
  onShutdown(logger, async () => {
    try {
      await stack.stop(delayMs);
      await database.close();
      await closeFastStore(store);
    } finally {
      // Last, even when a step above failed: the drained requests' spans are sent too (bounded, never throws).
      await tracing?.shutdown();
    }
  });
}

/**
 * Demo data (a published password) only when asked for: DEMO_DATA=true, or `npm start` on its own embedded database;
 * never into a database named by DATABASE_URL otherwise, and never with DEMO_DATA=false. Production processes
 * (`start:subgraph`) load none at all.
 */
function demoDataWanted(env: NodeJS.ProcessEnv): boolean {
  if (env.DEMO_DATA === 'true' || env.DEMO_DATA === 'false') return env.DEMO_DATA === 'true';
  if (env.DEMO_DATA) throw new Error(`DEMO_DATA must be true or false, not "${env.DEMO_DATA}"`);
  return !env.DATABASE_URL;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
