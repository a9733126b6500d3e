import { closeFastStore, createLogger, DatabaseConnection, generateSecrets, openFastStore, requireEnv } from '@tunet/kit';
import { startStack } from '@tunet/stack';

/**
 * The cluster's one migration runner (decision 0057), run by scripts/cluster-topology.ts before any replica starts:
 * starts the whole stack once in this process on DATABASE_URL and REDIS_URL, which applies every subgraph's
 * migrations (each under its advisory lock) and, with DEMO_DATA=true, loads the demo data as `npm start` does; then
 * stops it. The replicas then start with MIGRATE_ON_START=false.
 */
async function main(): Promise<void> {
  const logger = createLogger('cluster-prepare');
  const database = await DatabaseConnection.open({ url: requireEnv('DATABASE_URL') });
  const store = await openFastStore(requireEnv('REDIS_URL'));
  try {
    const stack = await startStack({
      database,
      store,
      secrets: await generateSecrets(),
      host: '127.0.0.1',
      demoData: process.env.DEMO_DATA === 'true',
      logger,
    });
    logger.info({ demoLoaded: stack.demoLoaded }, 'cluster database prepared');
    await stack.stop(0);
  } finally {
    await database.close();
    await closeFastStore(store);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
