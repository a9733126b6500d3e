import type { ConsumerHealth } from './event-stream';
import { consumerUnreadiness, consumerUnreadyAfterMs } from './consumer-health';

const NOW = Date.parse('2026-12-07T07:00:00Z');
const healthy: ConsumerHealth = { group: 'notifications', lastReadAt: new Date(NOW - 1000), failures: 0, failingSince: undefined, lastError: undefined };
const failingFor = (ms: number, lastError = 'MISCONF Redis is configured to save RDB snapshots'): ConsumerHealth => ({
  group: 'posts',
  lastReadAt: new Date(NOW - ms - 1000),
  failures: 7,
  failingSince: new Date(NOW - ms),
  lastError,
});

describe('consumerUnreadiness', () => {
  it('is ready while every consumer reads', () => {
    expect(consumerUnreadiness([healthy], true, NOW, 60_000)).toBeUndefined();
  });

  it('is ready while a consumer has failed only for a while', () => {
    expect(consumerUnreadiness([healthy, failingFor(60_000)], true, NOW, 60_000)).toBeUndefined();
  });

  it('is not ready when a consumer has failed longer than allowed while Redis answers, naming it and why', () => {
    expect(consumerUnreadiness([healthy, failingFor(61_000)], true, NOW, 60_000)).toBe(
      'event consumer posts has failed to read the stream for 61 s while Redis answers: MISCONF Redis is configured to save RDB snapshots',
    );
  });

  it('stays ready while Redis is down, however long: every replica would fail at once, and the outbox holds the events', () => {
    expect(consumerUnreadiness([failingFor(3_600_000, 'Connection is closed.')], false, NOW, 60_000)).toBeUndefined();
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
