import { EventEmitter } from 'node:events';
import type { FastStore } from '@tunet/kit';
import type { Deliver, FeedTransport } from './inbox-feed';

/** One emitter per store, so every feed opened on the same embedded store hears the others, as on Redis. */
const emitters = new WeakMap<FastStore, EventEmitter>();

/** The embedded stand-in for Redis pub/sub: correct only while publishers and streams share the process. */
export function memoryTransport(store: FastStore, deliver: Deliver): FeedTransport {
  let emitter = emitters.get(store);
  if (!emitter) {
    emitter = new EventEmitter();
    // One listener per member with an open stream.
    emitter.setMaxListeners(0);
    emitters.set(store, emitter);
  }
  const shared = emitter;
  const listeners = new Map<string, (message: string) => void>();
  return {
    async listen(channel) {
      if (listeners.has(channel)) return;
      const listener = (message: string) => deliver(channel, message);
      listeners.set(channel, listener);
      shared.on(channel, listener);
    },
    async unlisten(channel) {
      const listener = listeners.get(channel);
      listeners.delete(channel);
      if (listener) shared.off(channel, listener);
    },
    async send(channel, message) {
      shared.emit(channel, message);
    },
    async close() {
      for (const [channel, listener] of listeners) shared.off(channel, listener);
      listeners.clear();
    },
  };
}
