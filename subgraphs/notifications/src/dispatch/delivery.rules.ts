import type { DeliveryStatus, SendOutcome } from '../model';

/** How the dispatcher retries: attempts in all, and the delays between them. */
export interface RetryPolicy {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

/** Six attempts over about five and a half hours: 1, 4, 16, 64 and 256 minutes apart. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 6, baseDelayMs: 60_000, maxDelayMs: 6 * 3_600_000 };

/** Why a delivery of a channel nobody can send on failed. */
export const CHANNEL_NOT_CONFIGURED = 'channel not configured';

/** What the last_error and detail columns hold at most. */
const REASON_MAX = 1_000;

/** An attempt's outcome as the deliveries and delivery_attempts tables record it. */
export interface RecordedOutcome {
  status: DeliveryStatus;
  attemptOutcome: 'sent' | 'delivered' | 'retry' | 'failed' | 'bounced';
  providerMessageId: string | null;
  /** The reason to show; undefined leaves the last failed attempt's reason in place (after a success). */
  lastError: string | undefined;
  /** What the provider said, for the attempt's row. */
  detail: string | null;
  /** When queued again: how long until the next attempt. */
  retryInMs: number | null;
}

/**
 * The wait before attempt `attempt + 1`: `baseDelayMs * 4^(attempt-1)`, capped, spread by ±10% so deliveries that
 * failed together (a provider's outage) do not all come back at the same instant. `random` is in [0, 1).
 */
export function backoffMs(attempt: number, policy: RetryPolicy, random: number): number {
  const exponential = Math.min(policy.maxDelayMs, policy.baseDelayMs * 4 ** (attempt - 1));
  return Math.round(exponential * (0.9 + 0.2 * random));
}

/** What attempt number `attempt` with this outcome leaves: sent, queued again, or failed for good. */
export function recordedOutcome(outcome: SendOutcome, attempt: number, policy: RetryPolicy, random: number): RecordedOutcome {
  switch (outcome.status) {
    case 'sent':
    case 'delivered':
      return {
        status: outcome.status,
        attemptOutcome: outcome.status,
        providerMessageId: outcome.providerMessageId ?? null,
        lastError: undefined,
        detail: outcome.detail ? cut(outcome.detail) : null,
        retryInMs: null,
      };
    case 'retry': {
      const reason = cut(outcome.reason);
      if (attempt >= policy.maxAttempts) {
        return { status: 'failed', attemptOutcome: 'failed', providerMessageId: null, lastError: reason, detail: reason, retryInMs: null };
      }
      const retryInMs = backoffMs(attempt, policy, random);
      return { status: 'queued', attemptOutcome: 'retry', providerMessageId: null, lastError: reason, detail: reason, retryInMs };
    }
    case 'failed':
    case 'bounced': {
      const reason = cut(outcome.reason);
      return { status: outcome.status, attemptOutcome: outcome.status, providerMessageId: null, lastError: reason, detail: reason, retryInMs: null };
    }
  }
}

const EMAIL_ADDRESS = /[^\s<>"'@,;:()[\]]+@[^\s<>"'@,;:()[\]]+/g;
const PHONE_NUMBER = /\+?\d[\d -]{6,}\d/g;

/**
 * A provider's reason as a log line may carry it: SMTP servers and SMS gateways quote the recipient ("550 5.1.1
 * <kari@example.no>: Recipient address rejected"), and logs must not hold addresses or numbers. Cut to 300 characters.
 */
export function loggableReason(reason: string | undefined): string | undefined {
  if (reason === undefined) return undefined;
  const scrubbed = reason.replace(EMAIL_ADDRESS, '<address>').replace(PHONE_NUMBER, '<number>');
  return scrubbed.length <= 300 ? scrubbed : `${scrubbed.slice(0, 299)}…`;
}

function cut(text: string): string {
  return text.length <= REASON_MAX ? text : `${text.slice(0, REASON_MAX - 1)}…`;
}
