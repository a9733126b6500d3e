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
 * Why the process is not ready because of its event consumers, or undefined when it is (decision 0052). A consumer
 * that has failed to read for longer than `unreadyAfterMs` while Redis answers is broken in this process (a group
 * it cannot recreate, a key of the wrong type, a Redis refusing writes): readiness fails, so the operator sees it.
 * While Redis itself is down every replica's consumer fails alike, and failing readiness would take them all out
 * of the load balancer for something the outbox already absorbs; they stay ready, and the health details say why
 * their consumers wait.
 */
export function consumerUnreadiness(healths: readonly ConsumerHealth[], redisConnected: boolean, now: number, unreadyAfterMs: number): string | undefined {
  if (!redisConnected) return undefined;
  const stuck = healths.find((health) => health.failingSince !== undefined && now - health.failingSince.getTime() > unreadyAfterMs);
  if (!stuck) return undefined;
  const seconds = Math.round((now - stuck.failingSince!.getTime()) / 1000);
  return `event consumer ${stuck.group} has failed to read the stream for ${seconds} s while Redis answers: ${stuck.lastError ?? 'unknown error'}`;
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
  return {
    ...definition,
    async isReady() {
      await definition.isReady();
      const reason = consumerUnreadiness(
        subscribers.map((subscriber) => subscriber.health()),
        storeConnected(store),
        Date.now(),
        unreadyAfterMs,
      );
      if (reason) throw new Error(reason);
    },
  };
}
