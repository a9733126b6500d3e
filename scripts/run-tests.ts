/**
 * `npm test`: runs jest (with this script's arguments) against throwaway
 * PostgreSQL and Redis servers, then stops them and deletes their data.
 *
 * Set TEST_DATABASE_URL / TEST_REDIS_URL to use existing servers instead. TEST_PGLITE_TEMPLATE names where the
 * PGlite test databases' common starting point is kept for the run; TEST_DEMO_TEMPLATE, set only with the PostgreSQL
 * started here, the directory of the demo template's uploads (its database lives on that server; e2e.fixtures.ts).
 * `tsx scripts/run-tests.ts --exec <command…>` runs that command instead of jest, with the same
 * servers and variables (npm run check:production).
 * Missing server binaries are installed with apt-get when running as root
 * (CI containers); otherwise the script says what to install.
 *
 * Exits with jest's exit code.
 */
import { spawn, spawnSync, type ChildProcess, type SpawnOptions } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { writePgliteTemplate } from '@tunet/kit/src/kit.fixtures';
import { freePort } from '@tunet/kit/src/ports.fixtures';
import { answersPing } from '@tunet/kit/src/redis.fixtures';

const REPO_ROOT = path.resolve(__dirname, '..');
const STARTUP_TIMEOUT_MS = 30_000;
const SHUTDOWN_TIMEOUT_MS = 10_000;
const isRoot = process.getuid?.() === 0;

/** A failure explained by its message alone; printed without a stack trace. */
class FatalError extends Error {}

/** Thrown at the next checkpoint once SIGINT/SIGTERM has arrived during setup. */
class Interrupted extends Error {
  constructor(readonly signal: NodeJS.Signals) {
    super(`interrupted by ${signal}`);
  }
}

// Everything this run started, so cleanUp() can undo it however the run ends.
const servers: ChildProcess[] = [];
const tempDirs: string[] = [];
let child: ChildProcess | undefined; // jest, or the --exec command
let receivedSignal: NodeJS.Signals | undefined;
let aptUpdated = false;

async function main(): Promise<number> {
  handleSignals();
  try {
    const [first, ...rest] = process.argv.slice(2);
    const exec = first === '--exec' && rest[0] ? rest : undefined;
    // Made while the servers start, so no test's time limit pays for it. Only jest's PGlite files use it, and making it
    // on a loaded machine kept the readiness polls below off the event loop past their 30 s: an --exec command
    // (check:production, check:cluster) goes without.
    const pgliteTemplate = exec ? Promise.resolve(undefined) : makePgliteTemplate();
    // Settled here too, so a failure while the servers start does not leave it unhandled.
    pgliteTemplate.catch(() => {});
    const databaseUrl = process.env.TEST_DATABASE_URL || (await startPostgres());
    const redisUrl = process.env.TEST_REDIS_URL || (await startRedis());
    console.log(`run-tests: TEST_DATABASE_URL=${redact(databaseUrl)} TEST_REDIS_URL=${redact(redisUrl)}`);
    const template = await pgliteTemplate;
    const env = {
      ...process.env,
      TEST_DATABASE_URL: databaseUrl,
      TEST_REDIS_URL: redisUrl,
      ...(template ? { TEST_PGLITE_TEMPLATE: template } : {}),
      ...demoTemplate(),
    };
    if (exec) return await runChild(exec[0]!, exec.slice(1), env);
    return await runJest(process.argv.slice(2), env);
  } catch (err) {
    if (err instanceof Interrupted) return signalExitStatus(err.signal);
    if (!(err instanceof FatalError)) throw err;
    log(err.message);
    return 1;
  } finally {
    await cleanUp();
  }
}

/**
 * Node would exit on the spot and leave the servers running, so we only note
 * the signal: setup stops at its next checkpoint, jest is asked to stop, and
 * main()'s `finally` cleans up either way.
 */
function handleSignals(): void {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      receivedSignal = signal;
      child?.kill(signal);
    });
  }
}

function checkInterrupted(): void {
  if (receivedSignal) throw new Interrupted(receivedSignal);
}

async function cleanUp(): Promise<void> {
  // Servers first: PostgreSQL keeps writing to its data dir until it exits.
  await Promise.all(servers.map(stopServer));
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
}

// --- PostgreSQL ---------------------------------------------------------------

async function startPostgres(): Promise<string> {
  const binDir = await findOrInstall(findPostgresBinDir, 'postgresql', 'PostgreSQL server (initdb, postgres)', 'TEST_DATABASE_URL');
  const dir = makeTempDir('tunet-test-pg-');
  const dataDir = path.join(dir, 'data');
  const logFile = path.join(dir, 'postgres.log');
  const options: SpawnOptions = { cwd: dir, ...(isRoot ? await handOverToPostgresUser(dir) : {}) };

  await initdb(binDir, dataDir, logFile, options);
  const port = await freePort();
  // Durability settings are off because the data is thrown away; the
  // connection limit leaves room for jest workers each holding a pool.
  const server = spawnServer(
    path.join(binDir, 'postgres'),
    [
      '-D',
      dataDir,
      '-p',
      String(port),
      '-k',
      dir,
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'fsync=off',
      '-c',
      'synchronous_commit=off',
      '-c',
      'full_page_writes=off',
      '-c',
      'max_connections=300',
    ],
    logFile,
    options,
  );
  const pgIsReady = path.join(binDir, 'pg_isready');
  // -U/-d name a role that exists, so the polls don't fill the log with errors.
  const pgIsReadyArgs = ['-q', '-t', '1', '-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', '-d', 'postgres'];
  await waitUntilReady('PostgreSQL', server, logFile, async () => (await run(pgIsReady, pgIsReadyArgs)) === 0);
  return `postgres://postgres@127.0.0.1:${port}/postgres`;
}

/** `pg_config --bindir` may belong to a client-only install, so both places must hold the server binaries. */
function findPostgresBinDir(): string | undefined {
  const fromPgConfig = capture('pg_config', ['--bindir']);
  const candidates = [...(fromPgConfig ? [fromPgConfig] : []), ...debianPostgresBinDirs()];
  return candidates.find((dir) => isExecutable(path.join(dir, 'initdb')) && isExecutable(path.join(dir, 'postgres')));
}

/** Debian installs major versions side by side under /usr/lib/postgresql; newest first. */
function debianPostgresBinDirs(): string[] {
  const root = '/usr/lib/postgresql';
  if (!fs.existsSync(root)) return [];
  return fs
    .readdirSync(root)
    .filter((version) => !Number.isNaN(parseFloat(version)))
    .sort((a, b) => parseFloat(b) - parseFloat(a))
    .map((version) => path.join(root, version, 'bin'));
}

/**
 * PostgreSQL refuses to run as root, so as root we give `dir` to the
 * `postgres` system user and return the spawn options to run as that user.
 * (Not runuser: it would stay in between as a parent that SIGKILLs postgres
 * 2 s after passing on our SIGTERM.)
 */
async function handOverToPostgresUser(dir: string): Promise<{ uid: number; gid: number }> {
  if (capture('id', ['postgres']) === undefined) {
    await runOrFail('useradd', ['--system', '--no-create-home', 'postgres']);
  }
  const uid = Number(capture('id', ['-u', 'postgres']));
  const gid = Number(capture('id', ['-g', 'postgres']));
  fs.chownSync(dir, uid, gid);
  return { uid, gid };
}

/** C.UTF-8 gives byte-order sorting with full Unicode, but not every system has it; plain C is the fallback. */
async function initdb(binDir: string, dataDir: string, logFile: string, options: SpawnOptions): Promise<void> {
  for (const locale of ['C.UTF-8', 'C']) {
    const args = ['-D', dataDir, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8', `--locale=${locale}`];
    const status = await exitStatus(spawnLogged(path.join(binDir, 'initdb'), args, logFile, options));
    checkInterrupted();
    if (status === 0) return;
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  throw new FatalError(`initdb failed:\n${readLog(logFile)}`);
}

// --- PGlite -------------------------------------------------------------------

/**
 * Every PGlite test database starts from this dump of a fresh data directory instead of running initdb in
 * WebAssembly (kit.fixtures.ts, decision 0035); kept in a directory of this run's, so it goes when the run ends.
 */
async function makePgliteTemplate(): Promise<string> {
  const file = path.join(makeTempDir('tunet-test-pglite-'), 'fresh-data-dir.tar');
  await writePgliteTemplate(file);
  return file;
}

/**
 * Where the e2e stacks' common starting point keeps its uploads: the first e2e file that asks makes it, a database
 * with every migration and the demo data, and each e2e file starts from a copy (decision 0035). Only on the server
 * started here, which takes the template database with it when the run ends; an outside server gets none.
 */
function demoTemplate(): { TEST_DEMO_TEMPLATE: string | undefined } {
  // Left unset (child processes get no undefined variable) even when the shell set it: on an outside server the
  // template would outlive the run and go stale as migrations and the demo change.
  return { TEST_DEMO_TEMPLATE: process.env.TEST_DATABASE_URL ? undefined : makeTempDir('tunet-test-demo-') };
}

// --- Redis --------------------------------------------------------------------

async function startRedis(): Promise<string> {
  const redisServer = await findOrInstall(() => findOnPath('redis-server'), 'redis-server', 'redis-server', 'TEST_REDIS_URL');
  // Redis writes nothing with these options, but runs in its own dir in case it does.
  const dir = makeTempDir('tunet-test-redis-');
  const logFile = path.join(dir, 'redis.log');
  const port = await freePort();
  const server = spawnServer(redisServer, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], logFile, { cwd: dir });
  await waitUntilReady('Redis', server, logFile, () => answersPing(port));
  return `redis://127.0.0.1:${port}`;
}

// --- jest ---------------------------------------------------------------------

async function runJest(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const jestBin = path.join(REPO_ROOT, 'node_modules', '.bin', 'jest');
  if (!fs.existsSync(jestBin)) throw new FatalError(`${jestBin} not found; run \`npm ci\` first.`);
  checkInterrupted();
  // PGlite loads its WebAssembly through dynamic import(), which jest's sandbox only allows with this flag.
  const nodeOptions = [env.NODE_OPTIONS, '--experimental-vm-modules'].filter(Boolean).join(' ');
  return runChild(jestBin, [...workerArgs(args), ...args], { ...env, NODE_OPTIONS: nodeOptions });
}

/**
 * One jest worker per core, unless the arguments choose: jest's default (cores − 1) runs a 2-core machine's files one
 * at a time, while a test file spends much of its time waiting on PostgreSQL, Redis or HTTP (decision 0035).
 */
function workerArgs(args: string[]): string[] {
  const chosen = args.some((arg) => /^(--maxWorkers|-w|--runInBand|-i)(=|$)/.test(arg));
  return chosen ? [] : [`--maxWorkers=${os.availableParallelism()}`];
}

async function runChild(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  checkInterrupted();
  child = spawn(command, args, { cwd: REPO_ROOT, stdio: 'inherit', env });
  try {
    return await exitStatus(child);
  } finally {
    child = undefined;
  }
}

// --- Servers and processes ----------------------------------------------------

function spawnServer(command: string, args: string[], logFile: string, options: SpawnOptions): ChildProcess {
  const server = spawnLogged(command, args, logFile, options);
  servers.push(server);
  // Without a listener a failed spawn would crash this script before cleanup;
  // logged, it shows up in waitUntilReady's report.
  server.on('error', (err) => fs.appendFileSync(logFile, `${err.message}\n`));
  return server;
}

async function waitUntilReady(name: string, server: ChildProcess, logFile: string, isReady: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  while (!(await isReady())) {
    checkInterrupted();
    if (!isRunning(server)) throw new FatalError(`${name} exited during startup. Its log:\n${readLog(logFile)}`);
    if (Date.now() > deadline) {
      throw new FatalError(`${name} did not accept connections within ${STARTUP_TIMEOUT_MS / 1000} s. Its log:\n${readLog(logFile)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function stopServer(server: ChildProcess): Promise<void> {
  if (!isRunning(server)) return;
  const exited = exitStatus(server);
  server.kill('SIGTERM');
  const forceKill = setTimeout(() => server.kill('SIGKILL'), SHUTDOWN_TIMEOUT_MS);
  await exited;
  clearTimeout(forceKill);
}

function isRunning(child: ChildProcess): boolean {
  return child.pid !== undefined && child.exitCode === null && child.signalCode === null;
}

function makeTempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

/** Starts a command with its stdout and stderr appended to logFile. */
function spawnLogged(command: string, args: string[], logFile: string, options: SpawnOptions): ChildProcess {
  const fd = fs.openSync(logFile, 'a');
  try {
    return spawn(command, args, { ...options, stdio: ['ignore', fd, fd] });
  } finally {
    // The child has its own copy of the descriptor by now.
    fs.closeSync(fd);
  }
}

function readLog(logFile: string): string {
  return fs.readFileSync(logFile, 'utf8');
}

/** Resolves with the exit status as a shell reports it: 128 + signal number if killed by a signal. */
function exitStatus(child: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    // Node reports either an exit code or a signal, never neither.
    child.once('exit', (code, signal) => resolve(code ?? signalExitStatus(signal!)));
  });
}

function signalExitStatus(signal: NodeJS.Signals): number {
  return 128 + os.constants.signals[signal];
}

/** Runs a short command without output; a signal received meanwhile interrupts setup. */
async function run(command: string, args: string[], options: SpawnOptions = {}): Promise<number> {
  const status = await exitStatus(spawn(command, args, { stdio: 'ignore', ...options }));
  checkInterrupted();
  return status;
}

async function runOrFail(command: string, args: string[], options: SpawnOptions = {}): Promise<void> {
  const status = await run(command, args, options);
  if (status !== 0) throw new FatalError(`\`${command} ${args.join(' ')}\` failed with exit status ${status}.`);
}

/** Stdout of a quick query command, or undefined if it is missing or fails. */
function capture(command: string, args: string[]): string | undefined {
  const result = spawnSync(command, args, { encoding: 'utf8' });
  return result.status === 0 ? result.stdout.trim() : undefined;
}

// --- Installing dependencies --------------------------------------------------

async function findOrInstall(find: () => string | undefined, debianPackage: string, description: string, urlVariable: string): Promise<string> {
  const found = find();
  if (found) return found;
  if (!isRoot) {
    throw new FatalError(
      `${description} not found. Install the Debian package \`${debianPackage}\` ` +
        `(sudo apt-get install ${debianPackage}), or set ${urlVariable} to use an existing server.`,
    );
  }
  log(`${description} not found; installing ${debianPackage} with apt-get.`);
  await aptGetInstall(debianPackage);
  const installed = find();
  if (!installed) throw new FatalError(`${description} still not found after installing ${debianPackage}.`);
  return installed;
}

async function aptGetInstall(debianPackage: string): Promise<void> {
  const options: SpawnOptions = { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } };
  // Fresh containers ship without package lists; one update serves both installs.
  if (!aptUpdated) {
    await runOrFail('apt-get', ['update'], options);
    aptUpdated = true;
  }
  await runOrFail('apt-get', ['install', '-y', debianPackage], options);
}

// --- Small helpers ------------------------------------------------------------

function findOnPath(name: string): string | undefined {
  return (process.env.PATH ?? '')
    .split(path.delimiter)
    .filter(Boolean)
    .map((dir) => path.join(dir, name))
    .find(isExecutable);
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** Given URLs may carry passwords, which don't belong in CI logs. */
function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(set, not shown)';
  }
}

function log(message: string): void {
  console.error(`run-tests: ${message}`);
}

main().then(
  (status) => process.exit(status),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
