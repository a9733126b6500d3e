import { backoffMs, DEFAULT_RETRY_POLICY, loggableReason, recordedOutcome } from './delivery.rules';

const policy = DEFAULT_RETRY_POLICY;

describe('backoffMs', () => {
  it('grows fourfold from the base delay', () => {
    expect([1, 2, 3, 4, 5].map((attempt) => backoffMs(attempt, policy, 0.5))).toEqual([60_000, 240_000, 960_000, 3_840_000, 15_360_000]);
  });

  it('is capped', () => {
    expect(backoffMs(9, policy, 0.5)).toBe(policy.maxDelayMs);
  });

  it('spreads by at most a tenth either way', () => {
    expect(backoffMs(1, policy, 0)).toBe(54_000);
    expect(backoffMs(1, policy, 0.999_999)).toBe(66_000);
  });
});

describe('recordedOutcome', () => {
  it('keeps the last failure’s reason when a later attempt is sent', () => {
    expect(recordedOutcome({ status: 'sent', providerMessageId: 'm-1' }, 2, policy, 0.5)).toEqual({
      status: 'sent',
      attemptOutcome: 'sent',
      providerMessageId: 'm-1',
      lastError: undefined,
      detail: null,
      retryInMs: null,
    });
  });

  it('queues a retry before the last attempt and fails on it', () => {
    expect(recordedOutcome({ status: 'retry', reason: 'timeout' }, 5, policy, 0.5)).toMatchObject({
      status: 'queued',
      attemptOutcome: 'retry',
      lastError: 'timeout',
      retryInMs: 15_360_000,
    });
    expect(recordedOutcome({ status: 'retry', reason: 'timeout' }, 6, policy, 0.5)).toMatchObject({
      status: 'failed',
      attemptOutcome: 'failed',
      lastError: 'timeout',
      retryInMs: null,
    });
  });

  it('gives up on a bounce at the first attempt', () => {
    expect(recordedOutcome({ status: 'bounced', reason: '550 5.1.1 no such user' }, 1, policy, 0.5)).toMatchObject({
      status: 'bounced',
      lastError: '550 5.1.1 no such user',
      retryInMs: null,
    });
  });

  it('cuts a provider’s answer to what the table holds', () => {
    const recorded = recordedOutcome({ status: 'failed', reason: 'x'.repeat(5_000) }, 1, policy, 0.5);
    expect(recorded.lastError).toHaveLength(1_000);
    expect(recorded.detail).toHaveLength(1_000);
  });
});

describe('loggableReason', () => {
  it('keeps what the provider said but never the address or number it quotes', () => {
    expect(loggableReason('550 5.1.1 <kari.nordmann@solbakken.example>: Recipient address rejected')).toBe('550 5.1.1 <<address>>: Recipient address rejected');
    expect(loggableReason('Invalid recipient +47 912 34 567 (code 21211)')).toBe('Invalid recipient <number> (code 21211)');
    expect(loggableReason('connect ECONNREFUSED 127.0.0.1:2525')).toBe('connect ECONNREFUSED 127.0.0.1:2525');
    expect(loggableReason('x'.repeat(400))).toHaveLength(300);
    expect(loggableReason(undefined)).toBeUndefined();
  });
});
