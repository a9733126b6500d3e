import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from './ports.fixtures';

/**
 * A redis-server of one test's own, for tests that stop, restart or empty Redis: never the shared test Redis, which
 * other files use at the same time. It keeps its port across restarts, so clients reconnect to the same address,
 * and persists with AOF (`appendonly yes`) in its own directory, as production must (decision 0052).
 */
export class ThrowawayRedis {
  private server: ChildProcess | null = null;

  private constructor(
    readonly port: number,
    private readonly dir: string,
  ) {}

  static async start(): Promise<ThrowawayRedis> {
    const redis = new ThrowawayRedis(await freePort(), await mkdtemp(path.join(tmpdir(), 'tunet-test-redis-')));
    await redis.restart();
    return redis;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Starts it again on its port, with what its append-only file holds. */
  async restart(): Promise<void> {
    const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'yes', '--dir', this.dir];
    const server = spawn(process.env.REDIS_SERVER ?? 'redis-server', args, { cwd: this.dir, stdio: 'ignore' });
    this.server = server;
    const deadline = Date.now() + 10_000;
    while (!(await answersPing(this.port))) {
      if (server.exitCode !== null || Date.now() > deadline) throw new Error(`redis-server on port ${this.port} did not start`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** Shuts it down as an operator's restart does (SIGTERM: the append-only file is flushed first). */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server || server.exitCode !== null) return;
    const exited = new Promise((resolve) => server.once('exit', resolve));
    server.kill('SIGTERM');
    await exited;
  }

  /** Freezes it (SIGSTOP): connections stay open and nothing is answered, as a hung or cut-off Redis does. */
  freeze(): void {
    this.server?.kill('SIGSTOP');
  }

  thaw(): void {
    this.server?.kill('SIGCONT');
  }

  async remove(): Promise<void> {
    await this.stop();
    await rm(this.dir, { recursive: true, force: true });
  }
}

/** Whether a Redis answers PING on the loopback port (also scripts/run-tests.ts, waiting for the test Redis). */
export function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    let reply = '';
    socket.setTimeout(1000);
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      reply += chunk.toString();
      if (!reply.includes('\r\n')) return;
      resolve(reply.startsWith('+PONG'));
      socket.destroy();
    });
    socket.on('timeout', () => socket.destroy());
    // 'error' is always followed by 'close', which settles the promise.
    socket.on('error', () => {});
    socket.on('close', () => resolve(false));
  });
}
