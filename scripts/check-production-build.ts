/**
 * `npm run check:production`: proves that the production build runs without development dependencies
 * (decision 0021). Builds, copies what a deployment ships (package files, lockfile, dist/, schemas, migrations;
 * no src/) to a temporary directory, installs it there with `npm ci --omit=dev`, starts the members subgraph
 * and the gateway with `npm run start:subgraph` / `start:gateway` as the README does, and checks that the
 * subgraph is ready and that a login through the gateway reaches members (wrong password: UNAUTHENTICATED). Before
 * members starts (with MIGRATE_ON_START=false), `npm run tunet -- migrate` migrates every schema of the empty database
 * and a second run finds nothing to apply; the operator command (`npm run tunet -- create-operator`) prints a
 * one-time link; its token sets the password through the gateway, and the new operator logs in (decision 0030).
 * The gateway runs with NODE_ENV=production, so it gets every SUBGRAPH_<NAME>_URL (a closed port for those not started).
 *
 * Needs PostgreSQL and Redis: run through scripts/run-tests.ts (`--exec`), which starts throwaway servers
 * and sets TEST_DATABASE_URL / TEST_REDIS_URL.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from '@tunet/kit/src/ports.fixtures';
import { answers } from './cluster-topology';

const ROOT = path.resolve(__dirname, '..');
const READY_TIMEOUT_MS = 60_000;
/** Only the build runs in production: sources, TypeScript configs and local installs stay behind. */
const NOT_SHIPPED = new Set(['src', 'node_modules', 'tsconfig.json', '.turbo']);

const processes: ChildProcess[] = [];

async function main(): Promise<void> {
  const databaseUrl = requireEnv('TEST_DATABASE_URL');
  const redisUrl = requireEnv('TEST_REDIS_URL');
  const started = Date.now();
  run('npm', ['run', 'build'], ROOT);
  const dir = mkdtempSync(path.join(tmpdir(), 'tunet-production-'));
  try {
    copyShippedTree(dir);
    run('npm', ['ci', '--omit=dev', '--no-audit', '--no-fund', '--prefer-offline'], dir);
    const installed = Date.now();
    const keys = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const common = {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? dir,
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      REDIS_URL: redisUrl,
      INTERNAL_SIGNING_SECRET: randomBytes(32).toString('hex'),
      SHUTDOWN_DELAY_MS: '0',
    };
    const membersPort = await freePort();
    const gatewayPort = await freePort();
    // Members reads consents from privacy only when the directory is asked for, which this check never does; a port
    // where nothing listens satisfies the required setting without starting privacy and the subgraphs it needs.
    const privacyPort = await freePort();
    const operatorEnv = { ...process.env, ...common, DATABASE_URL: databaseUrl };
    migrate(dir, operatorEnv);
    const link = createOperator(dir, operatorEnv);
    start('members', ['run', 'start:subgraph', '--', 'members'], dir, {
      ...common,
      PORT: String(membersPort),
      DATABASE_URL: databaseUrl,
      // `tunet migrate` above did it: a replica that migrated on its own would hide a migrate command that does not.
      MIGRATE_ON_START: 'false',
      SUBGRAPH_PRIVACY_URL: `http://127.0.0.1:${privacyPort}/graphql`,
      JWT_PRIVATE_KEY: keys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    });
    // In production the gateway refuses to start without every subgraph's URL; those not started here get a port where
    // nothing listens (their fields fail; login and the operator link need only members).
    const absentSubgraphs = subgraphsAt(['posts', 'reservations', 'notifications', 'billing', 'privacy', 'operations'], privacyPort);
    start('gateway', ['run', 'start:gateway'], dir, {
      ...common,
      ...absentSubgraphs,
      PORT: String(gatewayPort),
      SUBGRAPH_MEMBERS_URL: `http://127.0.0.1:${membersPort}/graphql`,
      JWT_PUBLIC_KEY: keys.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    });
    await waitFor(`members readiness`, () => answers(`http://127.0.0.1:${membersPort}/readyz`));
    // The operators' dead-letter command runs from the build too, on every schema `tunet migrate` has made.
    run('npm', ['run', '--silent', 'tunet', '--', 'dead-letters', 'list'], dir, operatorEnv);
    // Ready although the other subgraphs are not started here: readiness is the gateway's own (decision 0055).
    await waitFor(`gateway readiness`, () => answers(`http://127.0.0.1:${gatewayPort}/readyz`));
    await checkLoginThroughGateway(gatewayPort);
    await checkOperatorLink(gatewayPort, link);
    await stopAll();
    console.log(
      `check-production-build: ok (build and install ${((installed - started) / 1000).toFixed(1)} s, ` +
        `start and checks ${((Date.now() - installed) / 1000).toFixed(1)} s)`,
    );
  } finally {
    await stopAll();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The root's package files, launcher and supergraph, and each workspace without its sources. */
function copyShippedTree(dir: string): void {
  const rootPackage = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { workspaces: string[] };
  for (const entry of ['package.json', 'package-lock.json', '.npmrc', 'dist', 'schema']) copyIfPresent(entry, dir);
  for (const pattern of rootPackage.workspaces) {
    const parent = pattern.endsWith('/*') ? pattern.slice(0, -2) : undefined;
    const workspaces = parent ? readdirSync(path.join(ROOT, parent)).map((name) => path.join(parent, name)) : [pattern];
    for (const workspace of workspaces.filter((w) => existsSync(path.join(ROOT, w, 'package.json')))) {
      for (const entry of readdirSync(path.join(ROOT, workspace)).filter((name) => !NOT_SHIPPED.has(name))) {
        copyIfPresent(path.join(workspace, entry), dir);
      }
    }
  }
}

function copyIfPresent(relative: string, dir: string): void {
  const from = path.join(ROOT, relative);
  if (existsSync(from)) cpSync(from, path.join(dir, relative), { recursive: true });
}

async function checkLoginThroughGateway(port: number): Promise<void> {
  const response = await fetch(`http://127.0.0.1:${port}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      query: 'mutation ($input: LoginInput!) { login(input: $input) { accessToken } }',
      variables: { input: { email: 'nobody@example.no', password: 'not-the-password' } },
    }),
  });
  const body = (await response.json()) as { data?: unknown; errors?: { extensions?: { code?: string } }[] };
  const code = body.errors?.[0]?.extensions?.code;
  if (code !== 'UNAUTHENTICATED') {
    throw new Error(`login through the gateway: expected UNAUTHENTICATED from members, got ${JSON.stringify(body)}`);
  }
}

const OPERATOR = { email: 'first-operator@tunet.test', password: 'a long first password' };

/** The operator command from the build: a link on the first run, a refusal (exit code 1) for the same e-mail. */
function createOperator(dir: string, env: NodeJS.ProcessEnv): string {
  const args = ['run', '--silent', 'tunet', '--', 'create-operator', '--email', OPERATOR.email, '--origin', 'https://app.tunet.test'];
  const created = spawnSync('npm', args, { cwd: dir, env, encoding: 'utf8' });
  const link = /https:\/\/app\.tunet\.test\/set-password#token=\S+/.exec(created.stdout)?.[0];
  if (created.status !== 0 || !link) throw new Error(`create-operator: expected a link, got ${created.status}: ${created.stdout}${created.stderr}`);
  const again = spawnSync('npm', args, { cwd: dir, env, encoding: 'utf8' });
  if (again.status !== 1 || !again.stderr.includes('already uses')) {
    throw new Error(`create-operator again: expected a refusal with exit code 1, got ${again.status}: ${again.stdout}${again.stderr}`);
  }
  return link;
}

/**
 * `tunet migrate` from the build migrates every subgraph schema of the empty database; run again (a second deploy),
 * it finds nothing left to apply.
 */
function migrate(dir: string, env: NodeJS.ProcessEnv): void {
  const args = ['run', '--silent', 'tunet', '--', 'migrate'];
  const first = spawnSync('npm', args, { cwd: dir, env, encoding: 'utf8' });
  if (first.status !== 0 || !/^members: applied 0001_/m.test(first.stdout) || !/^operations: applied 0001_/m.test(first.stdout)) {
    throw new Error(`tunet migrate: expected every schema migrated, got ${first.status}: ${first.stdout}${first.stderr}`);
  }
  const again = spawnSync('npm', args, { cwd: dir, env, encoding: 'utf8' });
  if (again.status !== 0 || /applied/.test(again.stdout) || !/^members: up to date/m.test(again.stdout)) {
    throw new Error(`tunet migrate again: expected nothing to apply, got ${again.status}: ${again.stdout}${again.stderr}`);
  }
}

/** SUBGRAPH_<NAME>_URL for each name, all at `port` (where nothing listens). */
function subgraphsAt(names: string[], port: number): Record<string, string> {
  return Object.fromEntries(names.map((name) => [`SUBGRAPH_${name.toUpperCase()}_URL`, `http://127.0.0.1:${port}/graphql`]));
}

/** The link's token sets the password through the gateway, and the operator logs in with it. */
async function checkOperatorLink(port: number, link: string): Promise<void> {
  const token = new URLSearchParams(new URL(link).hash.slice(1)).get('token');
  const set = await graphql(port, 'mutation ($input: SetPasswordWithTokenInput!) { setPasswordWithToken(input: $input) { email } }', {
    input: { token, password: OPERATOR.password },
  });
  if (JSON.stringify(set.data) !== JSON.stringify({ setPasswordWithToken: { email: OPERATOR.email } })) {
    throw new Error(`setPasswordWithToken through the gateway: ${JSON.stringify(set)}`);
  }
  const login = await graphql(port, 'mutation ($input: LoginInput!) { login(input: $input) { accessToken } }', { input: OPERATOR });
  if (typeof (login.data as { login?: { accessToken?: unknown } } | undefined)?.login?.accessToken !== 'string') {
    throw new Error(`the new operator's login through the gateway: ${JSON.stringify(login)}`);
  }
}

async function graphql(port: number, query: string, variables: Record<string, unknown>): Promise<{ data?: unknown; errors?: unknown }> {
  const response = await fetch(`http://127.0.0.1:${port}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as { data?: unknown; errors?: unknown };
}

function run(command: string, args: string[], cwd: string, env?: NodeJS.ProcessEnv): void {
  const result = spawnSync(command, args, { cwd, env, stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`\`${command} ${args.join(' ')}\` failed (${result.status ?? result.signal})`);
}

/** Its own process group, so stopping it reaches node behind npm and sh. */
function start(name: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): void {
  const child = spawn('npm', args, { cwd, env, detached: true, stdio: ['ignore', 'inherit', 'inherit'] });
  child.once('exit', (code, signal) => {
    if (processes.includes(child)) console.error(`check-production-build: ${name} exited (${code ?? signal})`);
  });
  processes.push(child);
}

async function stopAll(): Promise<void> {
  const running = processes.splice(0).filter((child) => child.exitCode === null && child.signalCode === null);
  await Promise.all(
    running.map(
      (child) =>
        new Promise<void>((resolve) => {
          const forceKill = setTimeout(() => process.kill(-child.pid!, 'SIGKILL'), 10_000);
          child.once('exit', () => {
            clearTimeout(forceKill);
            resolve();
          });
          process.kill(-child.pid!, 'SIGTERM');
        }),
    ),
  );
}

async function waitFor(what: string, isOk: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (!(await isOk())) {
    if (processes.some((child) => child.exitCode !== null || child.signalCode !== null)) throw new Error(`${what}: a process exited`);
    if (Date.now() > deadline) throw new Error(`${what}: no answer within ${READY_TIMEOUT_MS / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

function requireEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set; run \`npm run check:production\``);
  return value;
}

main().catch((error: unknown) => {
  console.error(`check-production-build: FAILED: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
