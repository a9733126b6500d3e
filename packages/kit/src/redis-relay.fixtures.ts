import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import net from 'node:net';
import { openFastStore, type FastStore } from './redis';
import { requireEnv } from './secrets';

/**
 * A fast store whose Redis can be taken away: its client talks to the test Redis through a relay on a port of its
 * own, and `cut` closes that port and drops every connection through it. The shared test Redis itself keeps running
 * for the other test files.
 */
export interface RedisThroughRelay {
  store: Extract<FastStore, { kind: 'redis' }>;
  /** Closes the relay's port and its connections; resolves once the store's client has seen its connection close. */
  cut(): Promise<void>;
  close(): Promise<void>;
}

export async function openRedisThroughRelay(targetUrl = requireEnv('TEST_REDIS_URL')): Promise<RedisThroughRelay> {
  const target = new URL(targetUrl);
  const sockets = new Set<net.Socket>();
  const relay = net.createServer((client) => {
    const upstream = net.connect(Number(target.port || 6379), target.hostname);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      // A cut connection errors on the other side too; 'close' follows and ends both.
      socket.on('error', () => {});
    }
    client.pipe(upstream).pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  relay.listen(0, '127.0.0.1');
  await once(relay, 'listening');
  const { port } = relay.address() as net.AddressInfo;
  const store = (await openFastStore(`redis://127.0.0.1:${port}`, `test-${randomBytes(6).toString('hex')}`)) as RedisThroughRelay['store'];
  let open = true;
  const cut = async () => {
    if (!open) return;
    open = false;
    const closed = store.client.status === 'ready' ? once(store.client, 'close') : Promise.resolve();
    const relayClosed = new Promise((resolve) => relay.close(resolve));
    for (const socket of sockets) socket.destroy();
    await Promise.all([closed, relayClosed]);
  };
  return {
    store,
    cut,
    async close() {
      await cut();
      store.client.disconnect();
    },
  };
}
