import { createLogger, type Logger } from '../logger';
import type { FastStore } from '../redis';
import { memoryStreamBackend } from './memory-stream-backend';
import type { Event } from './outbox';
import { Pause } from './pause';
import { RedisStreamBackend } from './redis-stream-backend';
import type { Delivery, GroupReader } from './stream-backend';

/**
 * The event stream between subgraphs, with at-least-once delivery to consumer groups: each group (one per
 * consuming subgraph) gets every event, and the consumers of a group share them. An event is acknowledged only
 * after its handler resolves, so one whose consumer died or failed before that is delivered again. Handlers must
 * therefore deduplicate by `eventId`, and must not rely on order across redeliveries.
 */
export interface EventStream {
  append(events: readonly Event[]): Promise<void>;
  /**
   * Starts delivering to `options.handler`. Resolves once the group exists: a new group starts at the end of the
   * stream, so it gets every event appended after this resolves and none from before its first start.
   */
  consume(options: ConsumeOptions): Promise<Consumer>;
}

export interface ConsumeOptions {
  /** One per consuming subgraph, e.g. `notifications`. */
  group: string;
  /** Unique per replica and stable across its restarts, so a restarted replica resumes its own pending events at once. */
  consumer: string;
  /** Only these topics reach the handler; the group acknowledges the others unseen. Default: every topic. */
  topics?: readonly string[];
  /** Resolves once the event's effects are stored; a rejection leaves the event pending for redelivery. */
  handler: (event: Event) => Promise<void>;
  /** How long one read waits for new events; also how often idle events are looked for (default 5 000). */
  blockMs?: number;
  /**
   * An event held unacknowledged this long — its consumer died, or its handler failed — is taken over by the next
   * consumer of the group that looks. Must exceed the time to handle a whole batch, or a live consumer's events
   * are handled twice (default 60 000).
   */
  claimIdleMs?: number;
  /** Events fetched per read (default 20). */
  batchSize?: number;
  /** Receives handler failures and read errors. */
  logger?: Logger;
  /** The clock of `health()` (default `Date.now`); tests inject one. */
  now?: () => number;
}

export interface Consumer {
  /** Stops reading, lets the handler in progress finish (and acknowledges its event if it succeeds), then resolves. */
  stop(): Promise<void>;
  /** Whether its reads of the stream succeed: for readiness and the health details (consumer-health.ts). */
  health(): ConsumerHealth;
}

/** How a consumer's reads of the stream go; handler failures are not read failures. */
export interface ConsumerHealth {
  group: string;
  /** When a read (or claim, or acknowledgement) last succeeded; undefined before the first. */
  lastReadAt: Date | undefined;
  /** Reads that failed in a row since then. */
  failures: number;
  /** When the current run of failures began; undefined while reads succeed. */
  failingSince: Date | undefined;
  /** The last failure's message (Redis' reply or the connection error). */
  lastError: string | undefined;
}

export interface EventStreamOptions {
  /**
   * Entries the stream keeps, about (default 100 000). Size it to outlast the longest consumer outage: a group
   * that falls further behind misses the events trimmed meanwhile.
   */
  maxLength?: number;
  /**
   * The age past which entries are trimmed, whatever their number (default 24 hours): events carry names, e-mail
   * addresses and one-time tokens, which must not outlive an erasure by long. A group whose consumers are down
   * longer misses the trimmed events (its pending ones arrive empty and are dropped with a warning).
   */
  maxAgeMs?: number;
  /** The clock the age is measured by (default `Date.now`); tests inject one. */
  now?: () => number;
}

/** Redis Streams (one key, `<namespace>:events`) when the store is Redis, otherwise the in-process stand-in. */
export function openEventStream(store: FastStore, options: EventStreamOptions = {}): EventStream {
  const trim = { maxLength: options.maxLength ?? 100_000, maxAgeMs: options.maxAgeMs ?? 24 * 60 * 60_000, now: options.now ?? Date.now };
  const backend =
    store.kind === 'redis'
      ? new RedisStreamBackend(store.client, `${store.namespace}:events`, trim.maxLength, trim.maxAgeMs, trim.now)
      : memoryStreamBackend(store, trim);
  return {
    append: (events) => backend.append(events),
    async consume(options) {
      const logger = options.logger ?? createLogger('event-stream');
      return new GroupConsumer(await backend.join(options.group, options.consumer, logger), { ...options, logger });
    },
  };
}

class GroupConsumer implements Consumer {
  private stopping = false;
  private readonly pause = new Pause();
  private readonly blockMs: number;
  private readonly claimIdleMs: number;
  private readonly batchSize: number;
  private readonly logger: Logger;
  private readonly now: () => number;
  private readonly loop: Promise<void>;
  private lastReadAt: number | undefined;
  private failures = 0;
  private failingSince: number | undefined;
  private lastError: string | undefined;

  constructor(
    private readonly reader: GroupReader,
    private readonly options: ConsumeOptions,
  ) {
    this.blockMs = options.blockMs ?? 5_000;
    this.claimIdleMs = options.claimIdleMs ?? 60_000;
    this.batchSize = options.batchSize ?? 20;
    this.logger = options.logger ?? createLogger('event-stream');
    this.now = options.now ?? Date.now;
    this.loop = this.run();
  }

  health(): ConsumerHealth {
    const at = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms));
    return {
      group: this.options.group,
      lastReadAt: at(this.lastReadAt),
      failures: this.failures,
      failingSince: at(this.failingSince),
      lastError: this.lastError,
    };
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.pause.interrupt();
    await this.reader.close();
    await this.loop;
  }

  private async run(): Promise<void> {
    // A restarted consumer first resumes what it held when it went down, without waiting for it to go idle.
    let ownPendingAfter: string | undefined = '0';
    while (!this.stopping) {
      try {
        if (ownPendingAfter !== undefined) {
          const held = await this.reader.readOwnPending(ownPendingAfter, this.batchSize);
          ownPendingAfter = held.length === this.batchSize ? held.at(-1)?.id : undefined;
          await this.deliver(held);
        } else {
          await this.deliver(await this.reader.claimIdle(this.claimIdleMs, this.batchSize));
          if (!this.stopping) await this.deliver(await this.reader.readNew(this.batchSize, this.blockMs));
        }
        this.lastReadAt = this.now();
        this.failures = 0;
        this.failingSince = undefined;
      } catch (error) {
        if (this.stopping) break;
        this.failures++;
        this.failingSince ??= this.now();
        this.lastError = error instanceof Error ? error.message : String(error);
        this.logger.error({ err: error, group: this.options.group, failures: this.failures }, 'reading the event stream failed; retrying');
        await this.pause.for(this.blockMs);
      }
    }
  }

  private async deliver(deliveries: Delivery[]): Promise<void> {
    for (const delivery of deliveries) {
      // The rest stay pending for this consumer: they come back when it restarts, or to a peer once idle.
      if (this.stopping) return;
      if (await this.handle(delivery)) await this.reader.ack(delivery.id);
    }
  }

  /** Whether the event is done with: handled, of a topic this consumer ignores, or gone. */
  private async handle({ id, event }: Delivery): Promise<boolean> {
    const { group, topics, handler } = this.options;
    if (!event) {
      this.logger.warn({ group, id }, 'event trimmed from the stream or unreadable before it was handled; dropped');
      return true;
    }
    if (topics && !topics.includes(event.topic)) return true;
    if (event.replayFor !== undefined && event.replayFor !== group) return true;
    try {
      await handler(event);
      return true;
    } catch (error) {
      this.logger.error({ err: error, group, eventId: event.eventId, topic: event.topic }, 'event handler failed; it will be redelivered');
      return false;
    }
  }
}
