import net from 'node:net';
import { Redis } from 'ioredis';
import { COMMAND_TIMEOUT_MS, commandTimeoutFromEnv, subscribeWhenReachable, subscriberConnection } from './redis';

describe('the Redis command timeout (decision 0053)', () => {
  it('is 2 s unless REDIS_COMMAND_TIMEOUT_MS says otherwise, so an event-loop stall does not fail healthy commands', () => {
    expect(COMMAND_TIMEOUT_MS).toBe(2000);
    expect(commandTimeoutFromEnv({})).toBe(2000);
    expect(commandTimeoutFromEnv({ REDIS_COMMAND_TIMEOUT_MS: '' })).toBe(2000);
    expect(commandTimeoutFromEnv({ REDIS_COMMAND_TIMEOUT_MS: '750' })).toBe(750);
  });

  it.each(['0', '-5', '1.5', 'soon'])('refuses REDIS_COMMAND_TIMEOUT_MS=%s at the start', (bad) => {
    expect(() => commandTimeoutFromEnv({ REDIS_COMMAND_TIMEOUT_MS: bad })).toThrow('REDIS_COMMAND_TIMEOUT_MS');
  });
});

describe('subscribing while the store is connected (decision 0062)', () => {
  it('goes on without the subscription when SUBSCRIBE is not answered in time, instead of holding the start', async () => {
    // Answers the store connection's handshake, then nothing: Redis died or refused the second connection.
    let hanging = false;
    const sockets = new Set<net.Socket>();
    const server = net.createServer((socket) => {
      sockets.add(socket);
      socket.on('data', (data) => {
        if (!hanging) for (const _command of data.toString().matchAll(/^\*\d+\r$/gm)) socket.write('+OK\r\n');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as net.AddressInfo;
    const client = new Redis(`redis://127.0.0.1:${port}`, { lazyConnect: true, enableReadyCheck: false });
    const subscriber = subscriberConnection(client);
    try {
      await client.connect();
      hanging = true;
      const stop = await subscribeWhenReachable(client, subscriber, 'channel', () => undefined, 100);
      await stop();
    } finally {
      client.disconnect();
      subscriber.disconnect();
      for (const socket of sockets) socket.destroy();
      server.close();
    }
  });
});
