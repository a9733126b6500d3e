import { spawn } from 'node:child_process';
import path from 'node:path';
import { startCluster, type Cluster } from './cluster-topology';

/**
 * `npm run start:cluster`: the production topology on one machine from the compiled build (`npm run build` first;
 * decision 0057): PostgreSQL and Redis, two gateways and two replicas of every subgraph behind HAProxy (installed with
 * apt-get when missing and running as root). Uses DATABASE_URL and REDIS_URL when both are set; otherwise it runs
 * itself through scripts/run-tests.ts, which starts throwaway servers (their data is deleted on exit). The demo data
 * is loaded into a throwaway database, or with DEMO_DATA=true; never with DEMO_DATA=false. Ctrl-C stops everything.
 */
async function main(): Promise<void> {
  const databaseUrl = process.env.DATABASE_URL || process.env.TEST_DATABASE_URL;
  const redisUrl = process.env.REDIS_URL || process.env.TEST_REDIS_URL;
  if (!databaseUrl || !redisUrl) return throughThrowawayServers();
  const demoData = process.env.DEMO_DATA ? process.env.DEMO_DATA === 'true' : !process.env.DATABASE_URL;
  const started = Date.now();
  const interrupted = new AbortController();
  const running: { cluster?: Cluster } = {};
  const stop = async () => {
    if (interrupted.signal.aborted) return;
    interrupted.abort();
    console.log('start-cluster: stopping every process');
    // While starting, startCluster stops what it started itself and throws.
    if (running.cluster) {
      await running.cluster.stop();
      process.exit(0);
    }
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
  console.log('start-cluster: migrating, then starting 2 gateways, 2 replicas of each subgraph and HAProxy…');
  const cluster = await startCluster({ databaseUrl, redisUrl, demoData, signal: interrupted.signal });
  running.cluster = cluster;
  console.log(`
Tunet cluster is running — ready in ${((Date.now() - started) / 1000).toFixed(1)} s
  GraphQL endpoint (HAProxy): ${cluster.publicUrl}/graphql
  Gateways directly:          ${cluster.gatewayUrls.map((url) => `${url}/graphql`).join('  ')}
  Processes and their logs:   ${cluster.logDir} (haproxy.cfg there too)
  ${demoData ? 'Demo data loaded: kari@solbakken.example / solbakken-demo (board), ola@solbakken.example (resident).' : 'No demo data loaded.'}
  Ctrl-C stops everything.
`);
  for (const member of cluster.processes) {
    member.child.once('exit', (code, signal) => {
      if (!interrupted.signal.aborted) console.error(`start-cluster: ${member.name} exited (${code ?? signal}); see ${member.logFile}`);
    });
  }
}

/** Runs this script again inside scripts/run-tests.ts, which provides TEST_DATABASE_URL and TEST_REDIS_URL. */
function throughThrowawayServers(): void {
  const runTests = path.join(__dirname, 'run-tests.ts');
  const child = spawn('npx', ['tsx', runTests, '--exec', 'npx', 'tsx', __filename], { stdio: 'inherit' });
  // Ctrl-C reaches the whole terminal group; run-tests stops its servers once this script's second run has stopped.
  process.on('SIGINT', () => {});
  process.on('SIGTERM', () => child.kill('SIGTERM'));
  child.once('exit', (code) => process.exit(code ?? 1));
}

main().catch((error: unknown) => {
  console.error(`start-cluster: FAILED: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
