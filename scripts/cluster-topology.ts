/**
 * The production topology on one machine (decision 0057), shared by `npm run start:cluster` and `npm run check:cluster`:
 * two gateways and two replicas of every subgraph, each its own process running the compiled build, behind HAProxy —
 * one public frontend for the gateways and one frontend per subgraph, which is the SUBGRAPH_<NAME>_URL every process
 * is given. Migrations (and, when asked, the demo data) are applied once by scripts/cluster-prepare.ts before any
 * replica starts; the replicas start with MIGRATE_ON_START=false.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { accessSync, closeSync, constants, mkdtempSync, openSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from '@tunet/kit/src/ports.fixtures';
import { SUBGRAPHS, type SubgraphName } from './subgraph-registry';

const ROOT = path.resolve(__dirname, '..');
const READY_TIMEOUT_MS = 120_000;
export const REPLICAS = 2;

export interface ClusterOptions {
  databaseUrl: string;
  redisUrl: string;
  /** Load the demo data (Solbakken, Fjordly and their people) into the database before the replicas start. */
  demoData: boolean;
  /** Where notifications sends e-mail (SMTP_URL); a closed port when not given, so every attempt fails and is retried. */
  smtpUrl?: string;
  /** Further environment for every process (LOG_LEVEL, …). */
  env?: NodeJS.ProcessEnv;
  /** Aborted (Ctrl-C while starting): what was started is stopped, and startCluster throws. */
  signal?: AbortSignal;
}

/** One process of the cluster: `gateway-1`, `members-2`, `haproxy`, … */
export interface ClusterProcess {
  name: string;
  url: string;
  child: ChildProcess;
  logFile: string;
  /** A subgraph replica's Prometheus endpoint (its own METRICS_PORT). */
  metricsUrl?: string;
}

export interface Cluster {
  /** The load balancer's public frontend: what clients use. */
  publicUrl: string;
  /** Each gateway directly, bypassing the load balancer. */
  gatewayUrls: string[];
  logDir: string;
  processes: ClusterProcess[];
  /** kill -9: no drain, no goodbye; the load balancer's health checks notice. */
  kill(name: string): void;
  /** Stops every process (SIGTERM to its group, SIGKILL after 10 s). */
  stop(): Promise<void>;
}

export async function startCluster(options: ClusterOptions): Promise<Cluster> {
  const haproxy = findOrInstall('haproxy', 'haproxy');
  const logDir = mkdtempSync(path.join(tmpdir(), 'tunet-cluster-'));
  const processes: ClusterProcess[] = [];
  const cluster: Cluster = {
    publicUrl: '',
    gatewayUrls: [],
    logDir,
    processes,
    kill: (name) => {
      const target = processes.find((candidate) => candidate.name === name);
      if (!target) throw new Error(`no cluster process ${name}`);
      process.kill(-target.child.pid!, 'SIGKILL');
    },
    stop: () => stopProcesses(processes),
  };
  try {
    const ports = await allocatePorts();
    const keys = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const publicUrl = `http://127.0.0.1:${ports.public}`;
    const common: NodeJS.ProcessEnv = {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? logDir,
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      DATABASE_URL: options.databaseUrl,
      REDIS_URL: options.redisUrl,
      // Fourteen replicas share one server: a small pool each keeps within PostgreSQL's default 100 connections.
      DATABASE_POOL_SIZE: '5',
      INTERNAL_SIGNING_SECRET: randomBytes(32).toString('hex'),
      MIGRATE_ON_START: 'false',
      PUBLIC_ORIGIN: publicUrl.replace('127.0.0.1', 'localhost'),
      WEB_APP_ORIGIN: publicUrl.replace('127.0.0.1', 'localhost'),
      // Notifications refuses to start in production without SMTP: check:cluster gives its own server, which counts
      // what arrives; otherwise a closed port (an attempt fails and is retried; in-app notifications do not wait for it).
      SMTP_URL: options.smtpUrl ?? 'smtp://127.0.0.1:1',
      // Uploads on one machine: both replicas see the same directory (object storage in a real deployment).
      TUNET_DATA_DIR: path.join(logDir, 'data'),
      // The load balancer's health checks take a draining process out after two failed checks a second apart.
      SHUTDOWN_DELAY_MS: '3000',
      ...Object.fromEntries(
        SUBGRAPHS.map((subgraph) => [`SUBGRAPH_${subgraph.name.toUpperCase()}_URL`, `http://127.0.0.1:${ports.balanced[subgraph.name]}/graphql`]),
      ),
      ...options.env,
    };
    prepareDatabase(logDir, { ...common, DEMO_DATA: String(options.demoData) });
    const haproxyConfig = path.join(logDir, 'haproxy.cfg');
    writeFileSync(haproxyConfig, haproxyConfiguration(ports));
    processes.push(startProcess('haproxy', publicUrl, haproxy, ['-f', haproxyConfig, '-db'], logDir, {}));
    for (const subgraph of SUBGRAPHS) {
      for (let replica = 1; replica <= REPLICAS; replica++) {
        const port = ports.replicas[subgraph.name][replica - 1]!;
        const metricsPort = ports.metrics[subgraph.name][replica - 1]!;
        const env = {
          ...common,
          PORT: String(port),
          METRICS_PORT: String(metricsPort),
          JWT_PRIVATE_KEY: keys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
        };
        const started = startProcess(`${subgraph.name}-${replica}`, `http://127.0.0.1:${port}`, 'node', ['dist/start-subgraph.js', subgraph.name], logDir, env);
        processes.push({ ...started, metricsUrl: `http://127.0.0.1:${metricsPort}/metrics` });
      }
    }
    for (let replica = 1; replica <= REPLICAS; replica++) {
      const port = ports.gateways[replica - 1]!;
      // HAProxy is one hop in front (option forwardfor): without it every client would be 127.0.0.1 to the rate limits.
      const env = { ...common, PORT: String(port), TRUST_PROXY: '1', JWT_PUBLIC_KEY: keys.publicKey.export({ type: 'spki', format: 'pem' }).toString() };
      processes.push(startProcess(`gateway-${replica}`, `http://127.0.0.1:${port}`, 'node', ['gateway/dist/main.js'], logDir, env));
    }
    const ready = async (member: ClusterProcess) => {
      options.signal?.throwIfAborted();
      return answers(`${member.url}/readyz`);
    };
    await Promise.all(processes.map((member) => waitFor(`${member.name} readiness`, processes, () => ready(member))));
    cluster.publicUrl = publicUrl;
    cluster.gatewayUrls = ports.gateways.map((port) => `http://127.0.0.1:${port}`);
    return cluster;
  } catch (error) {
    await cluster.stop();
    throw error;
  }
}

interface Ports {
  public: number;
  gateways: number[];
  /** The load balancer's frontend per subgraph. */
  balanced: Record<SubgraphName, number>;
  replicas: Record<SubgraphName, number[]>;
  /** Each subgraph replica's METRICS_PORT. */
  metrics: Record<SubgraphName, number[]>;
}

async function allocatePorts(): Promise<Ports> {
  const many = async (count: number) => Promise.all(Array.from({ length: count }, () => freePort()));
  const balanced = {} as Record<SubgraphName, number>;
  const replicas = {} as Record<SubgraphName, number[]>;
  const metrics = {} as Record<SubgraphName, number[]>;
  for (const subgraph of SUBGRAPHS) {
    balanced[subgraph.name] = await freePort();
    replicas[subgraph.name] = await many(REPLICAS);
    metrics[subgraph.name] = await many(REPLICAS);
  }
  return { public: await freePort(), gateways: await many(REPLICAS), balanced, replicas, metrics };
}

/**
 * HAProxy's configuration: round robin over the ready replicas (`GET /readyz` every second, out after two failures,
 * back after two answers). A request is sent again to another replica only when it cannot have been executed: the
 * connection failed before it was sent (`conn-failure`, any method), or, for GET and HEAD alone, the replica answered
 * nothing or timed out (gateways only: subgraphs refuse a signed request sent twice). A POST may be a mutation a dying
 * replica has committed, so it is never resent (decision 0057).
 */
export function haproxyConfiguration(ports: Ports): string {
  const backend = (name: string, bind: number, servers: number[], serverTimeout: string, l7Retry: string) => [
    `frontend ${name}`,
    `  bind 127.0.0.1:${bind}`,
    `  default_backend ${name}-replicas`,
    `backend ${name}-replicas`,
    '  balance roundrobin',
    '  option httpchk GET /readyz',
    `  timeout server ${serverTimeout}`,
    `  http-request disable-l7-retry${l7Retry}`,
    // The gateways count requests without a token per client address (TRUST_PROXY=1 reads this one hop).
    ...(name === 'gateway' ? ['  option forwardfor'] : []),
    ...servers.map((port, index) => `  server ${name}-${index + 1} 127.0.0.1:${port} check inter 1s fall 2 rise 2`),
  ];
  return [
    'global',
    '  maxconn 4096',
    'defaults',
    '  mode http',
    '  timeout connect 2s',
    '  timeout client 1h',
    '  timeout http-request 30s',
    '  retries 3',
    '  option redispatch 1',
    '  retry-on conn-failure empty-response response-timeout',
    // The gateways' live streams (/graphql/stream) stay open for as long as the client keeps them.
    ...backend('gateway', ports.public, ports.gateways, '1h', ' unless METH_GET || METH_HEAD'),
    // Only connection failures for subgraphs: a signed request that reached a replica has claimed its nonce, so the
    // same request resent would be refused as a replay (401, decision 0054); the gateway retries a query signed anew.
    ...SUBGRAPHS.flatMap((subgraph) => backend(subgraph.name, ports.balanced[subgraph.name], ports.replicas[subgraph.name], '60s', '')),
    '',
  ].join('\n');
}

/** Migrations once, and the demo data when asked, before any replica starts: scripts/cluster-prepare.ts. */
function prepareDatabase(logDir: string, env: NodeJS.ProcessEnv): void {
  const logFile = path.join(logDir, 'prepare.log');
  const fd = openSync(logFile, 'a');
  try {
    const result = spawnSync('node', ['--import', 'tsx', 'scripts/cluster-prepare.ts'], {
      cwd: ROOT,
      env: { ...env, TUNET_DATA_DIR: logDir },
      stdio: ['ignore', fd, fd],
    });
    if (result.status !== 0) throw new Error(`preparing the database failed (${result.status ?? result.signal}); see ${logFile}`);
  } finally {
    closeSync(fd);
  }
}

/** Its own process group, so a kill reaches everything it started; output to `<logDir>/<name>.log`. */
function startProcess(name: string, url: string, command: string, args: string[], logDir: string, env: NodeJS.ProcessEnv): ClusterProcess {
  const logFile = path.join(logDir, `${name}.log`);
  const fd = openSync(logFile, 'a');
  try {
    const child = spawn(command, args, { cwd: ROOT, env, detached: true, stdio: ['ignore', fd, fd] });
    child.on('error', (error) => console.error(`cluster: ${name}: ${error.message}`));
    return { name, url, child, logFile };
  } finally {
    closeSync(fd);
  }
}

export async function stopProcesses(processes: ClusterProcess[]): Promise<void> {
  const running = processes.filter(({ child }) => child.exitCode === null && child.signalCode === null);
  await Promise.all(
    running.map(
      ({ child }) =>
        new Promise<void>((resolve) => {
          const forceKill = setTimeout(() => signalGroup(child, 'SIGKILL'), 10_000);
          child.once('exit', () => {
            clearTimeout(forceKill);
            resolve();
          });
          signalGroup(child, 'SIGTERM');
        }),
    ),
  );
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    process.kill(-child.pid!, signal);
  } catch {
    // Already gone.
  }
}

export async function answers(url: string): Promise<boolean> {
  const response = await fetch(url, { signal: AbortSignal.timeout(2000) }).catch(() => undefined);
  return response?.status === 200;
}

export async function waitFor(what: string, processes: ClusterProcess[], isOk: () => Promise<boolean>, timeoutMs = READY_TIMEOUT_MS): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await isOk())) {
    const exited = processes.find(({ child }) => child.exitCode !== null || child.signalCode !== null);
    if (exited) throw new Error(`${what}: ${exited.name} exited (${exited.child.exitCode ?? exited.child.signalCode}); see ${exited.logFile}`);
    if (Date.now() > deadline) throw new Error(`${what}: no answer within ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** A binary from PATH (or /usr/sbin), installed with apt-get when missing and running as root, as the test servers are. */
function findOrInstall(binary: string, debianPackage: string): string {
  const find = () => [...(process.env.PATH ?? '').split(path.delimiter), '/usr/sbin'].map((dir) => path.join(dir, binary)).find(isExecutable);
  const found = find();
  if (found) return found;
  if (process.getuid?.() !== 0) throw new Error(`${binary} not found: install the Debian package \`${debianPackage}\` (sudo apt-get install ${debianPackage})`);
  // A system package manager, as scripts/run-tests.ts uses for the test servers; not an npm binary.
  const run = (command: string, args: string[]) => {
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    if (spawnSync(command, args, { stdio: 'inherit', env }).status !== 0) throw new Error(`${command} ${args.join(' ')} failed`);
  };
  run('apt-get', ['update']);
  run('apt-get', ['install', '-y', '--no-install-recommends', debianPackage]);
  const installed = find();
  if (!installed) throw new Error(`${binary} still not found after installing ${debianPackage}`);
  return installed;
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
