import type { ConsumerHealth } from './event-stream';
import { consumerUnreadiness, consumerUnreadyAfterMs } from './consumer-health';

const NOW = Date.parse('2026-12-07T07:00:00Z');
const healthy: ConsumerHealth = { group: 'notifications', lastReadAt: new Date(NOW - 1000), failures: 0, failingSince: undefined, lastError: undefined };
const failingFor = (ms: number, lastError = 'WRONGTYPE Operation against a key holding the wrong kind of value'): ConsumerHealth => ({
  group: 'posts',
  lastReadAt: new Date(NOW - ms - 1000),
  failures: 7,
  failingSince: new Date(NOW - ms),
  lastError,
});

describe('consumerUnreadiness', () => {
  it('is ready while every consumer reads', () => {
    expect(consumerUnreadiness([healthy], 0, NOW, 60_000)).toBeUndefined();
  });

  it('is ready while a consumer has failed only for a while', () => {
    expect(consumerUnreadiness([healthy, failingFor(60_000)], 0, NOW, 60_000)).toBeUndefined();
  });

  it('is not ready when a consumer has failed longer than allowed while Redis answers, naming it and the error class only', () => {
    expect(consumerUnreadiness([healthy, failingFor(61_000)], 0, NOW, 60_000)).toBe(
      'event consumer posts has failed to read the stream for 61 s while Redis answers (WRONGTYPE)',
    );
  });

  it('counts from when Redis came back: an outage longer than the limit does not make every replica unready as it ends', () => {
    expect(consumerUnreadiness([failingFor(3_600_000, 'Connection is closed.')], NOW - 5_000, NOW, 60_000)).toBeUndefined();
    expect(consumerUnreadiness([failingFor(3_600_000, 'NOGROUP No such key')], NOW - 61_000, NOW, 60_000)).toMatch(/for 61 s .*\(NOGROUP\)$/);
  });

  it('stays ready on errors every replica meets alike (a full AOF disk, memory, a read-only Redis)', () => {
    for (const error of ['MISCONF Errors writing to the AOF file: No space left on device', 'OOM command not allowed', 'READONLY You can not write'])
      expect(consumerUnreadiness([failingFor(600_000, error)], 0, NOW, 60_000)).toBeUndefined();
  });

  it('stays ready while Redis is down, however long: every replica would fail at once, and the outbox holds the events', () => {
    expect(consumerUnreadiness([failingFor(3_600_000, 'Connection is closed.')], undefined, NOW, 60_000)).toBeUndefined();
  });
});

describe('consumerUnreadyAfterMs', () => {
  it('is 60 s unless EVENT_CONSUMER_UNREADY_AFTER_SECONDS says otherwise, and refuses what is not whole seconds', () => {
    expect(consumerUnreadyAfterMs({})).toBe(60_000);
    expect(consumerUnreadyAfterMs({ EVENT_CONSUMER_UNREADY_AFTER_SECONDS: '30' })).toBe(30_000);
    for (const value of ['0', '1.5', '30s'])
      expect(() => consumerUnreadyAfterMs({ EVENT_CONSUMER_UNREADY_AFTER_SECONDS: value })).toThrow(/whole number of seconds/);
  });
});
