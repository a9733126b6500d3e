import { EventEmitter } from 'node:events';
import type { Redis } from 'ioredis';
import type { Logger } from './logger';
import { logRedisErrors, RedisErrorLog } from './redis-errors';

function recordingLogger() {
  const lines: { level: string; fields: Record<string, unknown>; message: string }[] = [];
  const at = (level: string) => (fields: Record<string, unknown>, message: string) => void lines.push({ level, fields, message });
  return { lines, logger: { error: at('error'), info: at('info') } as unknown as Logger };
}

describe('RedisErrorLog', () => {
  it('logs the first error at once, then one line per interval with the count, and when the connection is back', () => {
    let now = 0;
    const { lines, logger } = recordingLogger();
    const log = new RedisErrorLog(logger, 'main', () => now, 10_000);
    const refused = new Error('connect ECONNREFUSED 127.0.0.1:6379');

    log.error(refused);
    for (now = 1_000; now <= 9_000; now += 1_000) log.error(refused); // 9 more within the interval: counted only
    now = 10_500;
    log.error(refused);
    now = 12_000;
    log.ready();
    log.ready(); // a ready without an outage before it says nothing

    expect(lines.map(({ level, fields, message }) => ({ level, errors: fields.errors, message }))).toEqual([
      { level: 'error', errors: 1, message: 'Redis connection failed; retrying' },
      { level: 'error', errors: 10, message: 'Redis connection still failing (10 errors since the last line)' },
      { level: 'info', errors: 11, message: 'Redis connection is back' },
    ]);
    expect(lines[0]!.fields).toMatchObject({ err: refused, connection: 'main' });
  });

  it('starts over after the connection is back: the next outage logs its first error at once', () => {
    let now = 0;
    const { lines, logger } = recordingLogger();
    const log = new RedisErrorLog(logger, 'main', () => now, 10_000);
    log.error(new Error('down'));
    log.ready();
    now = 1_000;
    log.error(new Error('down again'));
    expect(lines.map((line) => line.message)).toEqual(['Redis connection failed; retrying', 'Redis connection is back', 'Redis connection failed; retrying']);
  });
});

describe('logRedisErrors', () => {
  /** Enough of an ioredis client: an emitter whose duplicates are emitters too, listeners not copied. */
  class FakeClient extends EventEmitter {
    duplicate(): FakeClient {
      return new FakeClient();
    }
  }

  it('listens for errors on the client and on every duplicate made from it, and on theirs', () => {
    const { lines, logger } = recordingLogger();
    const client = logRedisErrors(new FakeClient() as unknown as Redis, logger);
    const blocking = client.duplicate();
    const nested = blocking.duplicate();
    // Without a listener an emitter throws on 'error' (ioredis prints "Unhandled error event" instead).
    for (const connection of [client, blocking, nested]) expect(() => connection.emit('error', new Error('ECONNREFUSED'))).not.toThrow();
    expect(lines.map((line) => line.fields.connection)).toEqual(['main', 'main/1', 'main/1/1']);
  });
});
