import { createLogger, notificationDeliveries, PeriodicJob, type BackgroundJob, type Logger } from '@tunet/kit';
import type { ChannelSender, DeliveryChannel, OutgoingDelivery, SendOutcome } from '../model';
import { isOptional } from '../preferences/preferences.rules';
import { CHANNEL_NOT_CONFIGURED, DEFAULT_RETRY_POLICY, loggableReason, recordedOutcome, type RetryPolicy } from './delivery.rules';
import type { SmsGate } from '../sms/sms-gate';
import type { DeliveryRepository } from './delivery.repository';

/** Why an optional delivery was not sent: the person's processing is restricted (GDPR art. 18; decision 0038). */
export const RESTRICTED = 'Processing restricted: only messages that must reach the person are sent';

export interface DispatcherOptions extends Partial<RetryPolicy> {
  /**
   * Whose processing privacy has restricted in an association (as the ingest asks); rejects when privacy cannot say.
   * Asked again when an optional delivery is claimed: one queued before the restriction began is withheld.
   */
  restrictions?: (associationId: string) => Promise<ReadonlySet<string>>;
  /** Sends in flight at once (default 16). */
  concurrency?: number;
  /** Deliveries claimed per round (default 100). */
  batchSize?: number;
  /**
   * How long a claim keeps other dispatchers off (default 5 minutes). A delivery is sent only while `sendTimeoutMs`
   * of its claim is left; the rest of a slow batch is released, never sent after another dispatcher may have taken it.
   */
  leaseMs?: number;
  /**
   * How long one send may take before it counts as a failed attempt to retry (default 60 000), so a provider that
   * never answers cannot stall the dispatcher. It runs from when the channel has room for the send (its
   * `capacity`), not while the send waits for a connection. Keep it well under `leaseMs`.
   */
  sendTimeoutMs?: number;
  /** The wait between rounds that found nothing more to do (default 1 000). */
  pollMs?: number;
  /** In [0, 1), for the backoff's jitter; tests pass a fixed one. */
  random?: () => number;
  logger?: Logger;
}

/**
 * Sends queued deliveries through the channel senders and records each outcome: sent, queued again after an
 * exponential backoff, or failed for good after the last attempt (or at once when the provider refuses, or the
 * address bounces), with the provider's reason for the person and the board.
 *
 * Delivery to providers is at least once, not exactly once. A delivery is claimed before it is sent and the
 * outcome recorded after; if the dispatcher dies (or cannot reach the database) in between, the claim runs out
 * after `leaseMs` and the delivery is sent again, so an SMTP server or push service may rarely see a duplicate
 * from that window (likewise a send that answers only after `sendTimeoutMs`). Every replica may run a dispatcher:
 * claims skip each other's rows.
 *
 * A text message goes only where the association subscribes to the SMS add-on and its month's quota has room
 * (`smsGate`, asked before each one); otherwise it is withheld with the reason, and the e-mail waiting for it (when
 * the SMS was the person's only channel besides the inbox for a category that cannot be turned off) goes instead.
 */
export class Dispatcher implements BackgroundJob {
  private readonly senders = new Map<DeliveryChannel, ChannelSender>();
  private readonly policy: RetryPolicy;
  private readonly concurrency: number;
  private readonly batchSize: number;
  private readonly leaseMs: number;
  private readonly sendTimeoutMs: number;
  private readonly random: () => number;
  private readonly logger: Logger;
  private readonly restrictions: DispatcherOptions['restrictions'];
  private readonly slots = new Map<DeliveryChannel, Slots>();
  private readonly job: PeriodicJob;

  constructor(
    private readonly repository: DeliveryRepository,
    senders: readonly ChannelSender[],
    private readonly smsGate: Pick<SmsGate, 'admit'>,
    options: DispatcherOptions = {},
  ) {
    for (const sender of senders) {
      if (!sender.available || this.senders.has(sender.channel)) continue;
      this.senders.set(sender.channel, sender);
      if (sender.capacity !== undefined) this.slots.set(sender.channel, new Slots(sender.capacity));
    }
    this.policy = {
      maxAttempts: options.maxAttempts ?? DEFAULT_RETRY_POLICY.maxAttempts,
      baseDelayMs: options.baseDelayMs ?? DEFAULT_RETRY_POLICY.baseDelayMs,
      maxDelayMs: options.maxDelayMs ?? DEFAULT_RETRY_POLICY.maxDelayMs,
    };
    this.concurrency = options.concurrency ?? 16;
    this.batchSize = options.batchSize ?? 100;
    this.leaseMs = options.leaseMs ?? 5 * 60_000;
    this.sendTimeoutMs = options.sendTimeoutMs ?? 60_000;
    this.random = options.random ?? Math.random;
    this.logger = options.logger ?? createLogger('notifications-dispatcher');
    this.restrictions = options.restrictions;
    // A full batch means more are due: the next round starts at once.
    this.job = new PeriodicJob('notifications-dispatcher', options.pollMs ?? 1_000, async () => (await this.runOnce()) >= this.batchSize, this.logger);
  }

  /** Claims one batch of due deliveries, sends them and records the outcomes; resolves to how many it claimed. */
  async runOnce(): Promise<number> {
    // The claim ends no earlier than leaseMs from here (the database sets it after this moment).
    const sendBy = Date.now() + this.leaseMs - this.sendTimeoutMs;
    const claimed = await this.repository.claimDue(this.batchSize, this.leaseMs);
    await eachLimited(claimed, this.concurrency, (delivery) => this.deliver(delivery, sendBy));
    return claimed.length;
  }

  /** Asks for a round soon, e.g. because new deliveries were queued; nudges during a round add one round. */
  nudge(): void {
    this.job.nudge();
  }

  start(): void {
    this.job.start();
  }

  /** Lets the round in progress finish recording its outcomes, then resolves. */
  stop(): Promise<void> {
    return this.job.stop();
  }

  private async deliver(delivery: OutgoingDelivery, sendBy: number): Promise<void> {
    if (this.restrictions && delivery.memberId && isOptional(delivery.category)) {
      let restricted: ReadonlySet<string>;
      try {
        restricted = await this.restrictions(delivery.associationId);
      } catch (error) {
        const reason = `whether the person's processing is restricted is unknown: ${error instanceof Error ? error.message : String(error)}`;
        return this.conclude(delivery, { status: 'retry', reason });
      }
      // Never tried again: once lifted, the restriction does not send what it held back (as the ingest drops it).
      if (restricted.has(delivery.memberId)) return this.conclude(delivery, { status: 'failed', reason: RESTRICTED });
    }
    if (delivery.channel === 'sms' && this.senders.has('sms')) {
      let admission: Awaited<ReturnType<SmsGate['admit']>>;
      try {
        admission = await this.smsGate.admit(delivery);
      } catch (error) {
        const reason = `whether the association may send SMS is unknown: ${error instanceof Error ? error.message : String(error)}`;
        return this.conclude(delivery, { status: 'retry', reason });
      }
      if (admission === 'lost') return this.logger.warn(this.logOf(delivery), 'delivery claim ran out before its SMS quota was checked');
      if (admission !== 'admitted') return this.withhold(delivery, admission);
    }
    const slots = this.slots.get(delivery.channel);
    await (slots ? slots.use(() => this.sendInTime(delivery, sendBy)) : this.sendInTime(delivery, sendBy));
  }

  /** Sends and records the delivery, or releases it when too little of its claim is left for a send to finish. */
  private async sendInTime(delivery: OutgoingDelivery, sendBy: number): Promise<void> {
    if (Date.now() <= sendBy) return this.conclude(delivery, await this.send(delivery));
    try {
      await this.repository.release(delivery.associationId, delivery);
      this.nudge();
    } catch (error) {
      this.logger.error({ ...this.logOf(delivery), err: error }, 'releasing a delivery failed');
    }
  }

  private logOf(delivery: OutgoingDelivery) {
    return { deliveryId: delivery.deliveryId, associationId: delivery.associationId, channel: delivery.channel, attempt: delivery.attempt };
  }

  private async withhold(delivery: OutgoingDelivery, reason: Exclude<Awaited<ReturnType<SmsGate['admit']>>, 'admitted' | 'lost'>): Promise<void> {
    try {
      const withheld = await this.repository.withhold(delivery.associationId, delivery, reason);
      if (!withheld) return this.logger.warn(this.logOf(delivery), 'delivery claim ran out before it was withheld');
      notificationDeliveries.inc({ channel: delivery.channel, status: 'withheld' });
      this.logger.info({ ...this.logOf(delivery), reason, fallback: withheld.fallbackReleased }, 'delivery withheld');
      if (withheld.fallbackReleased) this.nudge();
    } catch (error) {
      // The claim runs out and the delivery is looked at again.
      this.logger.error({ ...this.logOf(delivery), err: error }, 'withholding a delivery failed');
    }
  }

  private async conclude(delivery: OutgoingDelivery, outcome: SendOutcome): Promise<void> {
    const recorded = recordedOutcome(outcome, delivery.attempt, this.policy, this.random());
    const log = this.logOf(delivery);
    try {
      const stored =
        delivery.channel === 'sms'
          ? await this.repository.recordSms(delivery.associationId, delivery, recorded)
          : await this.repository.record(delivery.associationId, delivery.deliveryId, delivery.attempt, recorded);
      if (!stored) {
        this.logger.warn(log, 'delivery claim ran out before its outcome was recorded; another attempt was made');
        return;
      }
      notificationDeliveries.inc({ channel: delivery.channel, status: recorded.attemptOutcome });
      // Logged with the delivery id; the provider's reason never with the address or number it may quote.
      if (recorded.status === 'failed' || recorded.status === 'bounced') {
        this.logger.warn({ ...log, status: recorded.status, reason: loggableReason(recorded.lastError) }, 'delivery failed');
      } else if (recorded.attemptOutcome === 'retry') {
        this.logger.warn({ ...log, retryInMs: recorded.retryInMs, reason: loggableReason(recorded.lastError) }, 'delivery attempt failed; trying again later');
      }
    } catch (error) {
      // The claim runs out and the delivery is tried again: a rare duplicate rather than a lost message.
      this.logger.error({ ...log, err: error }, 'recording a delivery outcome failed');
    }
  }

  private async send(delivery: OutgoingDelivery): Promise<SendOutcome> {
    const sender = this.senders.get(delivery.channel);
    if (!sender) return { status: 'failed', reason: CHANNEL_NOT_CONFIGURED };
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<SendOutcome>((resolve) => {
      timer = setTimeout(
        () => resolve({ status: 'retry', reason: `no answer from the ${delivery.channel} provider within ${this.sendTimeoutMs} ms` }),
        this.sendTimeoutMs,
      );
    });
    try {
      // A send that answers after its timeout is not cancelled; it may reach the person besides the retry.
      return await Promise.race([sender.send(delivery), timedOut]);
    } catch (error) {
      return { status: 'retry', reason: error instanceof Error ? error.message : String(error) };
    } finally {
      clearTimeout(timer);
    }
  }
}

/** Runs `fn` over the items with at most `limit` in flight. */
async function eachLimited<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** At most `size` callers at once; the others wait their turn. */
class Slots {
  private readonly waiting: (() => void)[] = [];

  constructor(private free: number) {}

  async use<T>(fn: () => Promise<T>): Promise<T> {
    if (this.free > 0) this.free--;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    try {
      return await fn();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.free++;
    }
  }
}
