import { EventEmitter } from 'node:events';
import { storeUnavailable } from './fast-store-outage';
import type { Logger } from './logger';
import { subscribeWhenReachable, subscriberConnection, type FastStore } from './redis';

/**
 * A pub/sub channel that tells every process to forget something it keeps in memory (an association's
 * entitlements): Redis pub/sub on Redis, an in-process emitter on the embedded store, where everything runs in one
 * process. A message can be lost while a subscriber reconnects, so listeners are told when to forget everything.
 */
export interface InvalidationChannel {
  publish(message: string): Promise<void>;
  /**
   * Calls `heard` with every message published from now on, and `resynced` whenever some may have been missed (after
   * each (re)connection of the subscriber). Resolves once subscribed, or at once while Redis is down (subscribed once it is back, decision 0062); returns how to stop.
   */
  listen(heard: (message: string) => void, resynced: () => void): Promise<() => Promise<void>>;
}

export function openInvalidationChannel(store: FastStore, name: string, logger?: Logger): InvalidationChannel {
  const channel = `${store.namespace}:${name}:invalidations`;
  if (store.kind === 'memory') return memoryChannel(emitterOf(store), channel);
  const client = store.client;
  return {
    async publish(message) {
      await client.publish(channel, message);
    },
    async listen(heard, resynced) {
      // A subscribed connection can do nothing else; ioredis subscribes again by itself after reconnecting. Named
      // after the channel, so CLIENT LIST shows what it is for.
      const subscriber = subscriberConnection(client, channel);
      subscriber.on('message', (from: string, message: string) => {
        if (from === channel) heard(message);
      });
      subscriber.on('ready', resynced);
      // Reconnecting is ioredis's job; until it succeeds, the listeners' own cache lifetimes bound what is missed.
      // Every attempt fails while Redis is down: counted, and logged at most once in a while (decision 0059).
      const unavailable = (error: Error) => storeUnavailable(`invalidations:${name}`, error, logger);
      subscriber.on('error', unavailable);
      return subscribeWhenReachable(client, subscriber, channel, unavailable);
    },
  };
}

/** One emitter per embedded store, so a writer and a reader in one process hear each other as they would on Redis. */
const emitters = new WeakMap<FastStore, EventEmitter>();

function emitterOf(store: FastStore): EventEmitter {
  let emitter = emitters.get(store);
  if (!emitter) {
    emitter = new EventEmitter();
    emitter.setMaxListeners(0);
    emitters.set(store, emitter);
  }
  return emitter;
}

function memoryChannel(emitter: EventEmitter, channel: string): InvalidationChannel {
  return {
    async publish(message) {
      emitter.emit(channel, message);
    },
    async listen(heard) {
      emitter.on(channel, heard);
      return async () => void emitter.off(channel, heard);
    },
  };
}
