import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { register } from 'prom-client';
import { RateLimit } from './rate-limit';
import type { FastStore } from './redis';

const inProcess = (): FastStore => ({ kind: 'memory', namespace: 'test' });
const DAY = 24 * 3600;

describe('RateLimit on the in-process store', () => {
  it('keeps counting over a window longer than a Node timer can wait (a session-long count)', async () => {
    const limit = new RateLimit(inProcess(), { name: 'long', points: 2, windowSeconds: 30 * DAY, blockSeconds: 30 * DAY });
    await limit.record('session');
    await sleep(10);
    await limit.record('session');
    await sleep(10);
    expect(await limit.secondsBlocked('session')).toBeGreaterThan(20 * DAY);
  });

  it('lets checks that run at once take no more points than there are; refused ones count, succeeded ones are given back', async () => {
    const limit = new RateLimit(inProcess(), { name: 'take', points: 3, windowSeconds: 60, blockSeconds: 60 });
    const taken = await Promise.all(Array.from({ length: 5 }, () => limit.take('pair')));
    expect(taken.filter((t) => t.taken)).toEqual([
      { taken: true, left: 2 },
      { taken: true, left: 1 },
      { taken: true, left: 0 },
    ]);
    expect(taken.filter((t) => !t.taken)).toEqual([
      { taken: false, secondsBlocked: 60 },
      { taken: false, secondsBlocked: 60 },
    ]);
    expect(await limit.secondsBlocked('pair')).toBe(60);
    // The three checks succeeded; the two refused still count, below the allowance.
    for (let i = 0; i < 3; i++) await limit.giveBack('pair');
    expect(await limit.secondsBlocked('pair')).toBe(0);
    expect(await limit.take('pair')).toEqual({ taken: true, left: 0 });
  });
});

describe('RateLimit while Redis is unreachable', () => {
  it('counts in the process instead, without waiting: the N+1st take in the window is refused, each counted in tunet_rate_limit_insurance_total', async () => {
    // Never connected: the client is not ready, as while it reconnects after Redis went away.
    const client = new Redis('redis://127.0.0.1:1', { lazyConnect: true });
    const limit = new RateLimit({ kind: 'redis', client, namespace: 'test' }, { name: 'unreachable', points: 3, windowSeconds: 60, blockSeconds: 120 });
    const before = await insuranceCount('unreachable');
    expect(await limit.secondsBlocked('key')).toBe(0);
    const taken = [];
    for (let i = 0; i < 4; i++) taken.push(await limit.take('key'));
    expect(taken).toEqual([
      { taken: true, left: 2 },
      { taken: true, left: 1 },
      { taken: true, left: 0 },
      { taken: false, secondsBlocked: 120 },
    ]);
    expect(await limit.secondsBlocked('key')).toBe(120);
    expect(await limit.secondsBlocked('another key')).toBe(0);
    await limit.reset('key');
    expect(await limit.secondsBlocked('key')).toBe(0);
    await limit.record('key');
    await limit.giveBack('key');
    expect((await insuranceCount('unreachable')) - before).toBe(11);
    expect(client.status).toBe('wait');
  });
});

describe('RateLimit while Redis is unreachable, flooded with keys', () => {
  it('holds at most its cap of keys in the process: a new key beyond it is refused as one that used its points, counted', async () => {
    const client = new Redis('redis://127.0.0.1:1', { lazyConnect: true });
    const limit = new RateLimit(
      { kind: 'redis', client, namespace: 'test' },
      { name: 'flooded', points: 3, windowSeconds: 60, blockSeconds: 120 },
      { insuranceKeys: 2 },
    );
    const before = await fullCount('flooded');
    expect(await limit.take('first')).toEqual({ taken: true, left: 2 });
    expect(await limit.take('second')).toEqual({ taken: true, left: 2 });
    expect(await limit.secondsBlocked('third')).toBe(60);
    expect(await limit.take('third')).toEqual({ taken: false, secondsBlocked: 60 });
    // Keys already held go on counting as before.
    expect(await limit.take('first')).toEqual({ taken: true, left: 1 });
    expect((await fullCount('flooded')) - before).toBe(2);
  });
});

describe('RateLimit while Redis hangs with its connection open', () => {
  it('counts in the process after a short wait instead of waiting for the command timeout on every check', async () => {
    // Answers the connection's handshake, then reads every command and never answers, as a partitioned or paused
    // (CLIENT PAUSE) Redis.
    let hanging = false;
    const sockets = new Set<net.Socket>();
    const silent = net.createServer((socket) => {
      sockets.add(socket);
      socket.on('data', (data) => {
        if (!hanging) for (const _command of data.toString().matchAll(/^\*\d+\r$/gm)) socket.write('+OK\r\n');
      });
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as net.AddressInfo;
    // No ready check (it would wait for an answer too): the client is `ready` once connected, as before the hang.
    const client = new Redis(`redis://127.0.0.1:${port}`, { lazyConnect: true, enableReadyCheck: false, commandTimeout: 2000, maxRetriesPerRequest: 0 });
    try {
      await client.connect();
      hanging = true;
      expect(client.status).toBe('ready');
      const limit = new RateLimit({ kind: 'redis', client, namespace: 'test' }, { name: 'hanging', points: 1, windowSeconds: 60, blockSeconds: 60 });
      const before = await insuranceCount('hanging');
      const started = performance.now();
      expect(await limit.take('key')).toEqual({ taken: true, left: 0 });
      expect(performance.now() - started).toBeLessThan(500);
      expect(await limit.take('key')).toEqual({ taken: false, secondsBlocked: 60 });
      expect((await insuranceCount('hanging')) - before).toBe(2);
    } finally {
      client.disconnect();
      for (const socket of sockets) socket.destroy();
      silent.close();
    }
  });
});

async function fullCount(limit: string): Promise<number> {
  const metric = await register.getSingleMetric('tunet_rate_limit_insurance_full_total')?.get();
  return metric?.values.find((value) => value.labels.limit === limit)?.value ?? 0;
}

async function insuranceCount(limit: string): Promise<number> {
  const metric = await register.getSingleMetric('tunet_rate_limit_insurance_total')?.get();
  return metric?.values.find((value) => value.labels.limit === limit)?.value ?? 0;
}
