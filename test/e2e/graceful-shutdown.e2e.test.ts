import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { generateSecrets } from '@tunet/kit';
import { SUBGRAPHS } from '../../scripts/subgraph-registry';

const ROOT = path.resolve(__dirname, '../..');
const ANSWER_AFTER_MS = 2000;
const SHUTDOWN_DELAY_MS = 1500;

/** Every subgraph behind the gateway: ready, and answering each GraphQL request only after two seconds. */
async function startSlowSubgraphs(): Promise<{ url: string; received: Promise<void>; close(): Promise<void> }> {
  let markReceived!: () => void;
  const received = new Promise<void>((resolve) => (markReceived = resolve));
  const server = http.createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/readyz') return void res.writeHead(200).end('{"status":"ready"}');
    markReceived();
    setTimeout(() => {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ data: { me: { id: 'slow-member' } } }));
    }, ANSWER_AFTER_MS);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Resolves with the first stdout log line (pino JSON) that has the given message. */
function logLine(child: ChildProcess, msg: string): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    let buffered = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      for (const line of buffered.split('\n')) {
        if (!line.includes(`"msg":"${msg}"`)) continue;
        resolve(JSON.parse(line) as Record<string, unknown>);
      }
    });
    child.once('exit', (code) => reject(new Error(`exited with ${code} before logging "${msg}"`)));
  });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Polls /readyz until it stops answering 200 and returns what came instead: a status, or the connection error.
 * Still 200 after five seconds means the signal never reached the server.
 */
async function readinessAfterReady(url: string): Promise<number | string> {
  const giveUpAt = Date.now() + 5000;
  for (;;) {
    const outcome = await fetch(url).then(
      (response) => response.status,
      (error: Error) => error.message,
    );
    if (outcome !== 200 || Date.now() > giveUpAt) return outcome;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

// `npm run start:gateway` runs the build (decision 0021); this runs the same main from source, without a build.
describe('SIGTERM to the gateway process, as `npm run start:gateway` runs it', () => {
  let subgraphs: Awaited<ReturnType<typeof startSlowSubgraphs>>;
  let gateway: ChildProcess;
  let serverPid = 0;

  afterAll(async () => {
    if (serverPid && isAlive(serverPid)) process.kill(serverPid, 'SIGKILL');
    if (gateway?.exitCode === null) gateway.kill('SIGKILL');
    await subgraphs?.close();
  });

  it('turns readiness off first, lets a 2 s request in flight finish, and exits 0', async () => {
    subgraphs = await startSlowSubgraphs();
    const { jwtPublicKey } = await generateSecrets();
    const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: 'production', LOG_LEVEL: 'info' };
    delete env.REDIS_URL;
    Object.assign(env, {
      PORT: '0',
      HOST: '127.0.0.1',
      JWT_PUBLIC_KEY: jwtPublicKey,
      INTERNAL_SIGNING_SECRET: 'process-test-secret',
      SHUTDOWN_DELAY_MS: String(SHUTDOWN_DELAY_MS),
      // Every subgraph of the registry: one left out falls back to its localhost port, where nothing answers readiness.
      ...Object.fromEntries(SUBGRAPHS.map(({ name }) => [`SUBGRAPH_${name.toUpperCase()}_URL`, `${subgraphs.url}/${name.toUpperCase()}/graphql`])),
    });
    gateway = spawn(process.execPath, ['--import', 'tsx', 'gateway/src/main.ts'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<number | null>((resolve) => gateway.once('exit', (code) => resolve(code)));
    const ready = await logLine(gateway, 'gateway ready');
    serverPid = ready.pid as number;
    const graphqlUrl = ready.url as string;
    const readyzUrl = new URL('/readyz', graphqlUrl).toString();
    expect((await fetch(readyzUrl)).status).toBe(200);

    const inFlight = fetch(graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ me { id } }' }),
    });
    await subgraphs.received;
    gateway.kill('SIGTERM');

    expect(await readinessAfterReady(readyzUrl)).toBe(503);
    const response = await inFlight;
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ data: { me: { id: 'slow-member' } } });
    expect(await exited).toBe(0);
    expect(isAlive(serverPid)).toBe(false);
  }, 45_000);
});
