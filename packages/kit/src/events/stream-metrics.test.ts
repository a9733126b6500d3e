import { metricsRegistry } from '../metrics';
import { openFastStore } from '../redis';
import { memoryStreamBackend } from './memory-stream-backend';
import { streamGroupStats, unwatchStreamGroups, watchStreamGroups } from './stream-metrics';

const event = (n: number) => ({ eventId: `e${n}`, topic: 'test.happened', associationId: 'a', occurredAt: new Date(0), payload: {} });

describe('stream consumer metrics', () => {
  it("report each group's pending and undelivered events, as XINFO GROUPS does, at scrape", async () => {
    const store = await openFastStore(undefined, 'stream-metrics-test');
    const backend = memoryStreamBackend(store, { maxLength: 100, maxAgeMs: 60_000, now: Date.now });
    const reader = await backend.join('notifications', 'replica-1', undefined as never);
    await backend.join('posts', 'replica-1', undefined as never);
    await backend.append([event(1), event(2), event(3)]);
    const [first] = await reader.readNew(2, 0);
    await reader.ack(first!.id);

    expect(await streamGroupStats(store)).toEqual([
      { group: 'notifications', pending: 1, lag: 1 },
      { group: 'posts', pending: 0, lag: 3 },
    ]);
    watchStreamGroups(store);
    try {
      const text = await metricsRegistry.metrics();
      expect(text).toContain('tunet_stream_consumer_pending{group="notifications"} 1');
      expect(text).toContain('tunet_stream_consumer_lag{group="posts"} 3');
    } finally {
      unwatchStreamGroups(store);
    }
    expect(await metricsRegistry.metrics()).not.toContain('tunet_stream_consumer_lag{group="posts"}');
  });

  it('read XINFO GROUPS once per scrape for both gauges', async () => {
    const xinfo = jest.fn(async () => [['name', 'notifications', 'consumers', 1, 'pending', 2, 'last-delivered-id', '0-0', 'lag', 3]]);
    const store = { kind: 'redis', namespace: 'stream-metrics-once', client: { xinfo } };
    watchStreamGroups(store as never);
    try {
      const text = await metricsRegistry.metrics();
      expect(text).toContain('tunet_stream_consumer_pending{group="notifications"} 2');
      expect(text).toContain('tunet_stream_consumer_lag{group="notifications"} 3');
      expect(xinfo).toHaveBeenCalledTimes(1);
    } finally {
      unwatchStreamGroups(store as never);
    }
  });
});
