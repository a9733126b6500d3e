import { outboxKeepRelayedMs } from './outbox-relay';

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
