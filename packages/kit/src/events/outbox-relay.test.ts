import { outboxLag } from '../metrics';
import { OutboxRelay, outboxKeepRelayedMs } from './outbox-relay';

describe('outboxKeepRelayedMs', () => {
  const HOUR = 60 * 60_000;

  it('keeps relayed rows 72 hours unless OUTBOX_KEEP_RELAYED_HOURS says otherwise', () => {
    expect(outboxKeepRelayedMs({})).toBe(72 * HOUR);
    expect(outboxKeepRelayedMs({ OUTBOX_KEEP_RELAYED_HOURS: '' })).toBe(72 * HOUR);
    expect(outboxKeepRelayedMs({ OUTBOX_KEEP_RELAYED_HOURS: '24' })).toBe(24 * HOUR);
  });

  it.each(['0', '-1', '1.5', '72h', 'three days'])('refuses %j, so a mistyped value stops the process at start', (value) => {
    expect(() => outboxKeepRelayedMs({ OUTBOX_KEEP_RELAYED_HOURS: value })).toThrow(/OUTBOX_KEEP_RELAYED_HOURS must be a whole number of hours/);
  });
});

describe('the outbox lag gauge', () => {
  const lagOf = async (schema: string) => (await outboxLag.get()).values.find((value) => value.labels.schema === schema)?.value;

  it('keeps a measured lag when the append fails, and has no value (NaN) when the run could not measure it', async () => {
    let databaseDown = false;
    const row = { id: 1, event: { occurredAt: new Date(Date.now() - 10_000) } };
    const db = {
      schema: 'lag_test',
      system: (work: (tx: unknown) => Promise<number>) => (databaseDown ? Promise.reject(new Error('database down')) : work({})),
      outbox: { lockUnrelayed: async () => [row], markRelayed: async () => undefined },
    };
    const stream = { append: () => Promise.reject(new Error('stream down')) };
    const relay = new OutboxRelay(db as never, stream as never, { keepRelayedMs: 1, pollIntervalMs: 1 });

    await expect(relay.relayOnce()).rejects.toThrow('stream down');
    expect(await lagOf('lag_test')).toBeGreaterThanOrEqual(10);
    databaseDown = true;
    await expect(relay.relayOnce()).rejects.toThrow('database down');
    expect(await lagOf('lag_test')).toBeNaN();
  });
});
