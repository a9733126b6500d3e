import type { BackgroundJob } from '../background';
import type { FastStore } from '../redis';
import type { ConsumerHealth } from './event-stream';
import { EventSubscriber } from './event-subscriber';

/** How long a consumer may fail to read while Redis answers before its process is no longer ready (default). */
export const DEFAULT_CONSUMER_UNREADY_AFTER_SECONDS = 60;

/** EVENT_CONSUMER_UNREADY_AFTER_SECONDS (whole seconds, at least 1), else 60; throws on anything else. */
export function consumerUnreadyAfterMs(env: NodeJS.ProcessEnv = process.env): number {
  const value = env.EVENT_CONSUMER_UNREADY_AFTER_SECONDS;
  if (value === undefined || value === '') return DEFAULT_CONSUMER_UNREADY_AFTER_SECONDS * 1000;
  if (!/^\d+$/.test(value) || Number(value) < 1)
    throw new Error(`EVENT_CONSUMER_UNREADY_AFTER_SECONDS must be a whole number of seconds, at least 1, not "${value}"`);
  return Number(value) * 1000;
}

/** Whether the store's connection to Redis is up now (the in-process store always is). */
export function storeConnected(store: FastStore): boolean {
  return store.kind === 'memory' || store.client.status === 'ready';
}

/**
 * Redis errors every replica meets alike (a full disk under AOF, memory, a read-only replica, a loading restart):
 * failing readiness on them would take every replica out of the load balancer at once, as an outage would.
 */
const SHARED_REDIS_ERRORS = /^(MISCONF|OOM|READONLY|LOADING|MASTERDOWN)\b/;

/**
 * Why the process is not ready because of its event consumers, or undefined when it is (decision 0052). A consumer
 * that has failed to read for longer than `unreadyAfterMs` while Redis answers is broken in this process (a group
 * it cannot recreate, a key of the wrong type, a permission): readiness fails, so the operator sees it. The time
 * counts from `connectedSince`, the moment Redis last came back, so failures during an outage do not all turn into
 * unreadiness the instant it ends. While Redis is down, or refuses every replica alike (SHARED_REDIS_ERRORS), they
 * stay ready: failing readiness would take them all out of the load balancer for something the outbox absorbs.
 * The reason names the group and the error's class only (the probe is public); the log has the whole error.
 */
export function consumerUnreadiness(
  healths: readonly ConsumerHealth[],
  connectedSince: number | undefined,
  now: number,
  unreadyAfterMs: number,
): string | undefined {
  if (connectedSince === undefined) return undefined;
  const failingFor = (health: ConsumerHealth) => now - Math.max(health.failingSince!.getTime(), connectedSince);
  const stuck = healths.find(
    (health) => health.failingSince !== undefined && !SHARED_REDIS_ERRORS.test(health.lastError ?? '') && failingFor(health) > unreadyAfterMs,
  );
  if (!stuck) return undefined;
  const errorClass = /^[A-Z]+\b/.exec(stuck.lastError ?? '')?.[0] ?? 'error';
  return `event consumer ${stuck.group} has failed to read the stream for ${Math.round(failingFor(stuck) / 1000)} s while Redis answers (${errorClass})`;
}

/**
 * The subgraph's definition, its readiness extended by its event consumers' (`consumerUnreadiness`): a process whose
 * consumer has been broken for `unreadyAfterMs` while Redis answers answers /readyz 503 with the reason.
 */
export function withConsumerReadiness<D extends { isReady(): Promise<void> }>(
  definition: D,
  jobs: readonly BackgroundJob[],
  store: FastStore,
  unreadyAfterMs = consumerUnreadyAfterMs(),
): D {
  const subscribers = jobs.filter((job): job is EventSubscriber => job instanceof EventSubscriber);
  const connection = connectionWatch(store);
  return {
    ...definition,
    async isReady() {
      await definition.isReady();
      const reason = consumerUnreadiness(
        subscribers.map((subscriber) => subscriber.health()),
        connection.since(),
        Date.now(),
        unreadyAfterMs,
      );
      if (reason) throw new Error(reason);
    },
  };
}

/** Since when the store's connection has been up without a break (the in-process store: always), or undefined while down. */
function connectionWatch(store: FastStore): { since(): number | undefined } {
  if (store.kind === 'memory') return { since: () => 0 };
  const { client } = store;
  let since = client.status === 'ready' ? Date.now() : undefined;
  client.on('ready', () => (since = Date.now()));
  client.on('close', () => (since = undefined));
  return { since: () => (client.status === 'ready' ? since : undefined) };
}
