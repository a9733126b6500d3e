import { pushOutcome, type DeviceAttempt } from './push.channel';
import type { DeviceResult } from './push.provider';

const attempt = (label: string, result: DeviceResult): DeviceAttempt => ({ deviceId: `${label}-${result.kind}`, label, result });

describe('pushOutcome', () => {
  it('is sent when any device took it, and says how many did', () => {
    expect(
      pushOutcome([
        attempt('Web Push', { kind: 'ok', providerMessageId: 'a' }),
        attempt('FCM', { kind: 'ok', providerMessageId: 'b' }),
        attempt('APNs', { kind: 'transient', reason: '503' }),
      ]),
    ).toEqual({ status: 'sent', providerMessageId: null, detail: '2 of 3 devices' });
    expect(pushOutcome([attempt('FCM', { kind: 'ok', providerMessageId: 'b' }), attempt('APNs', { kind: 'invalid', reason: '410' })])).toEqual({
      status: 'sent',
      providerMessageId: 'b',
      detail: '1 of 2 devices',
    });
  });

  it('is retried when none took it and a failure may pass', () => {
    expect(
      pushOutcome([attempt('Web Push', { kind: 'refused', reason: '403' }), attempt('APNs', { kind: 'transient', reason: '503 ServiceUnavailable' })]),
    ).toEqual({ status: 'retry', reason: 'APNs: 503 ServiceUnavailable' });
  });

  it('fails with every distinct reason when nothing can work', () => {
    expect(
      pushOutcome([
        attempt('Web Push', { kind: 'invalid', reason: 'subscription gone (410)' }),
        attempt('FCM', { kind: 'refused', reason: 'FCM is not configured' }),
        attempt('FCM', { kind: 'refused', reason: 'FCM is not configured' }),
      ]),
    ).toEqual({ status: 'failed', reason: 'Web Push: subscription gone (410); FCM: FCM is not configured' });
    expect(pushOutcome([])).toEqual({ status: 'failed', reason: 'no push device registered' });
  });

  it('keeps the reason within the delivery’s error column', () => {
    const many = Array.from({ length: 20 }, (_, i) => attempt('FCM', { kind: 'refused', reason: `${i} ${'x'.repeat(100)}` }));

    const outcome = pushOutcome(many);

    expect(outcome.status).toBe('failed');
    expect(outcome.status === 'failed' && outcome.reason.length).toBe(1000);
  });
});
