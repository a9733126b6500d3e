import { hostname } from 'node:os';
import { tunetEvents, type EventContracts, type Payload, type TunetEvents } from '@tunet/events';
import { Counter } from 'prom-client';
import { z } from 'zod';
import type { BackgroundJob } from '../background';
import type { SubgraphDatabase } from '../database';
import { createLogger, type Logger } from '../logger';
import { isUnavailable } from '../internal-routes';
import { DeadLetters } from './dead-letters';
import { HandledEvents } from './handled-events';
import type { Consumer, ConsumerHealth, EventStream } from './event-stream';
import { EventContractError, type Event } from './outbox';
import { outboxKeepRelayedMs } from './outbox-relay';
import { Pause } from './pause';

/** An event of a topic (of one of several, told apart by `topic`) as its handler receives it: the payload parsed by its contract. */
export type ContractEvent<C extends EventContracts, T extends keyof C & string> = T extends unknown
  ? Omit<Event, 'topic' | 'payload'> & { topic: T; payload: Payload<C, T> }
  : never;

/**
 * One handler per topic the group takes. Delivery is at least once: the subscriber skips an event id the group has
 * handled before (handled-events.ts), but a crash between a handler's commit and that record redelivers the event,
 * so a handler must still be idempotent by the state it changes.
 */
export type EventHandlers<C extends EventContracts = TunetEvents> = {
  [T in keyof C & string]?: (event: ContractEvent<C, T>) => Promise<unknown>;
};

export interface EventSubscriberOptions<C extends EventContracts = TunetEvents> {
  stream: EventStream;
  /** The subscribing subgraph's database, where its dead letters and handled event ids go. */
  db: Pick<SubgraphDatabase, 'schema' | 'system'>;
  /** The consumer group: one per subscribing subgraph, e.g. `notifications`. A subgraph has one subscriber. */
  group: string;
  handlers: EventHandlers<NoInfer<C>>;
  contracts?: C;
  /** Unique per replica and stable across its restarts; default `<group>-<hostname>`. */
  consumer?: string;
  /** Handler attempts for one event before it is dead-lettered (default 5). */
  maxAttempts?: number;
  /** The wait after the first failed attempt, doubled after each further one (default 500 ms: 7.5 s over 5 attempts). */
  retryDelayMs?: number;
  blockMs?: number;
  claimIdleMs?: number;
  /**
   * Events fetched per read (default 1). The retries run in place, so a whole batch must be through its retries
   * within `claimIdleMs`, or a peer takes the batch's later events over and handles them too; one at a time keeps
   * that to one event's attempts.
   */
  batchSize?: number;
  /**
   * How long a handled event's id is kept to skip a repeat of it (default the outbox's retention, `outboxKeepRelayedMs()`,
   * plus a day): an event can be replayed from the outbox (`tunet replay-events`) until the relay prunes it.
   */
  keepHandledMs?: number;
  /** How often the subscriber deletes handled ids older than `keepHandledMs`, at most (default 10 minutes). */
  pruneHandledIntervalMs?: number;
  logger?: Logger;
}

const deadLettered = new Counter({
  name: 'tunet_events_dead_lettered_total',
  help: 'Events a consumer group set aside as dead letters, by why: a payload that breaks its contract, or a handler that kept failing.',
  labelNames: ['group', 'topic', 'cause'] as const,
});

const duplicatesSkipped = new Counter({
  name: 'tunet_events_duplicates_skipped_total',
  help: 'Events a consumer group acknowledged without calling the handler, because it had handled their event id before (a redelivery or a replay).',
  labelNames: ['group'] as const,
});

/** Handled ids deleted per prune transaction, so a large backlog never holds one long lock. */
const PRUNE_BATCH = 1_000;

/**
 * A subgraph's one way to hear events: joins its consumer group, parses each event of a topic it handles with that
 * topic's contract, and calls the topic's handler. An event is done with — acknowledged — once handled or set
 * aside as a dead letter, so nothing blocks the stream: a payload that does not parse at once (no retry could
 * change it), an event whose handler failed `maxAttempts` times in a row after waits that double. The retries run
 * in place, so they must end within `claimIdleMs` or a peer takes the event over meanwhile. If the dead letter
 * cannot be written either (the database is down), or the last failure says another process is unavailable
 * (`isUnavailable`: an outage, not a fault of the event), the event stays pending and comes back after `claimIdleMs`.
 */
export class EventSubscriber<C extends EventContracts = TunetEvents> implements BackgroundJob {
  private consumer: Promise<Consumer | undefined> | undefined;
  private joined: Consumer | undefined;
  private joinFailures = 0;
  private joinFailingSince: Date | undefined;
  private joinError: string | undefined;
  private stopping = false;
  private readonly pause = new Pause();
  private readonly contracts: EventContracts;
  private readonly deadLetters: DeadLetters;
  private readonly handledEvents: HandledEvents;
  private readonly keepHandledMs: number;
  private prunedAt = 0;
  private readonly logger: Logger;

  constructor(private readonly options: EventSubscriberOptions<C>) {
    this.contracts = options.contracts ?? tunetEvents;
    this.deadLetters = new DeadLetters(options.db);
    this.handledEvents = new HandledEvents(options.db);
    this.keepHandledMs = options.keepHandledMs ?? outboxKeepRelayedMs() + 24 * 60 * 60_000;
    this.logger = options.logger ?? createLogger(`events:${options.group}`);
    for (const topic of this.topics) {
      if (!Object.hasOwn(this.contracts, topic)) throw new Error(`no contract for topic ${topic}: add it to packages/events`);
    }
    const retryWaitsMs = (options.retryDelayMs ?? 500) * (2 ** ((options.maxAttempts ?? 5) - 1) - 1);
    if (retryWaitsMs * (options.batchSize ?? 1) >= (options.claimIdleMs ?? 60_000)) {
      throw new Error(`a batch's retry waits (${retryWaitsMs} ms per event) must end within claimIdleMs, or a peer handles its events too`);
    }
  }

  get topics(): string[] {
    return Object.keys(this.options.handlers);
  }

  start(): void {
    this.stopping = false;
    this.consumer ??= this.join();
  }

  /** Joins the group, again every `blockMs` while Redis refuses (down at start), until joined or stopped. */
  private async join(): Promise<Consumer | undefined> {
    const { stream, group, consumer, blockMs, claimIdleMs, batchSize } = this.options;
    while (!this.stopping) {
      try {
        this.joined = await stream.consume({
          group,
          // Stable across a replica's restarts, so it resumes the events it held when it went down.
          consumer: consumer ?? `${group}-${hostname()}`,
          topics: this.topics,
          handler: (event) => this.handle(event),
          blockMs,
          claimIdleMs,
          batchSize: batchSize ?? 1,
          logger: this.logger,
        });
        return this.joined;
      } catch (error) {
        this.joinFailures++;
        this.joinFailingSince ??= new Date();
        this.joinError = messageOf(error);
        this.logger.error({ err: error, group, failures: this.joinFailures }, 'could not join the event stream; trying again');
        await this.pause.for(blockMs ?? 5_000);
      }
    }
    return undefined;
  }

  /** Resolves once the consumer has joined its group (events appended after this reach it); false if stopped first. */
  async started(): Promise<boolean> {
    return (await this.consumer) !== undefined;
  }

  /** How its reads of the stream go, or its attempts to join while it has not joined yet (consumer-health.ts). */
  health(): ConsumerHealth {
    if (this.joined) return this.joined.health();
    const { group } = this.options;
    return { group, lastReadAt: undefined, failures: this.joinFailures, failingSince: this.joinFailingSince, lastError: this.joinError };
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.pause.interrupt();
    const consumer = await this.consumer;
    this.consumer = undefined;
    this.joined = undefined;
    await consumer?.stop();
  }

  private async handle(event: Event): Promise<void> {
    const contract = this.contracts[event.topic]!;
    const parsed = lenient(contract.schema).safeParse(event.payload);
    if (!parsed.success) {
      const reason = `payload breaks the contract of ${event.topic} v${contract.version}: ${z.prettifyError(parsed.error)}`;
      return this.deadLetter(event, 'malformed', reason, 0);
    }
    const { group } = this.options;
    // A database that does not answer throws here: the event stays pending and comes back after claimIdleMs.
    if (await this.handledEvents.has(group, event.eventId)) {
      duplicatesSkipped.inc({ group });
      this.logger.info({ group, eventId: event.eventId, topic: event.topic }, 'event handled before; skipped');
      return;
    }
    const handler = this.options.handlers[event.topic as keyof C & string] as (event: Event) => Promise<unknown>;
    const typed = { ...event, payload: parsed.data as Record<string, unknown> };
    const maxAttempts = this.options.maxAttempts ?? 5;
    for (let attempt = 1; ; attempt++) {
      try {
        await handler(typed);
        return await this.recordHandled(event);
      } catch (error) {
        // Stopping: left pending, the event comes back to this consumer's restart or a peer.
        if (this.stopping) throw error;
        if (attempt >= maxAttempts && isUnavailable(error)) {
          // Another process is down, not the event at fault: left pending, it comes back after claimIdleMs, again
          // until the process is back (or the stream's age limit drops it), instead of being set aside after seconds.
          this.logger.warn(
            { err: error, group: this.options.group, eventId: event.eventId, topic: event.topic },
            'a service the handler needs is unavailable; retrying later',
          );
          throw error;
        }
        if (attempt >= maxAttempts) {
          return this.deadLetter(event, 'handler_failed', `handler failed ${attempt} times; last: ${messageOf(error)}`, attempt, error);
        }
        this.logger.warn({ err: error, group: this.options.group, eventId: event.eventId, topic: event.topic, attempt }, 'event handler failed; retrying');
        await this.pause.for((this.options.retryDelayMs ?? 500) * 2 ** (attempt - 1));
      }
    }
  }

  /**
   * Records the handled event's id, and now and then prunes the old ones. Neither failing undoes the handling: the
   * event is acknowledged, and a repeat of it falls back on the handler's idempotence by state.
   */
  private async recordHandled(event: Event): Promise<void> {
    const { group } = this.options;
    try {
      await this.handledEvents.record(group, event.eventId);
    } catch (error) {
      this.logger.warn({ err: error, group, eventId: event.eventId, topic: event.topic }, 'could not record a handled event; a repeat of it runs again');
    }
    if (Date.now() - this.prunedAt < (this.options.pruneHandledIntervalMs ?? 10 * 60_000)) return;
    this.prunedAt = Date.now();
    await this.pruneHandled().catch((error: unknown) => this.logger.warn({ err: error, group }, 'could not prune handled events; trying again later'));
  }

  /** Deletes the handled ids of every group of this subgraph recorded longer than `keepHandledMs` ago; resolves to how many. */
  async pruneHandled(): Promise<number> {
    let total = 0;
    for (;;) {
      const deleted = await this.handledEvents.prune(this.keepHandledMs, PRUNE_BATCH);
      total += deleted;
      if (deleted < PRUNE_BATCH) return total;
    }
  }

  private async deadLetter(event: Event, cause: 'malformed' | 'handler_failed', reason: string, attempts: number, error?: unknown): Promise<void> {
    const { group } = this.options;
    await this.deadLetters.add(group, event, reason, attempts);
    deadLettered.inc({ group, topic: event.topic, cause });
    // The reason names fields and their problems, never values, so a token in the payload stays out of the log.
    this.logger.error({ err: error, group, eventId: event.eventId, topic: event.topic, cause, reason }, 'event set aside as a dead letter');
  }
}

/**
 * The event's payload as its topic's contract (packages/events) parses it, for code that takes events of several
 * topics; throws `EventContractError` when it breaks the contract.
 */
export function payloadOf<T extends keyof TunetEvents>(event: Event, topic: T): Payload<TunetEvents, T> {
  if (event.topic !== topic) throw new EventContractError(`expected a ${topic} event, got ${event.topic}`);
  const parsed = lenient(tunetEvents[topic].schema).safeParse(event.payload);
  if (!parsed.success) throw new EventContractError(`${topic} payload breaks its contract: ${z.prettifyError(parsed.error)}`);
  return parsed.data as Payload<TunetEvents, T>;
}

/**
 * Only the named fields of the event's payload, read by its topic's contract: for code that needs a few fields
 * and is also handed events built by hand (tests, older producers). Throws `EventContractError` when they break it.
 */
export function payloadFieldsOf<T extends keyof TunetEvents, K extends keyof Payload<TunetEvents, T> & string>(
  event: Event,
  topic: T,
  keys: readonly K[],
): Pick<Payload<TunetEvents, T>, K> {
  if (event.topic !== topic) throw new EventContractError(`expected a ${topic} event, got ${event.topic}`);
  const { shape } = tunetEvents[topic].schema as unknown as z.ZodObject;
  const parsed = z.object(Object.fromEntries(keys.map((key) => [key, shape[key]!]))).safeParse(event.payload);
  if (!parsed.success) throw new EventContractError(`${topic} payload breaks its contract: ${z.prettifyError(parsed.error)}`);
  return parsed.data as Pick<Payload<TunetEvents, T>, K>;
}

/**
 * The contract as a consumer reads it: fields it does not know are dropped, not refused. Producers write strictly
 * (`Outbox.add`), but subgraphs deploy one by one, so a consumer meets payloads of a producer that already writes
 * the next version's new optional field (decision 0022).
 */
function lenient(schema: z.ZodType): z.ZodType {
  return schema instanceof z.ZodObject ? schema.strip() : schema;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
