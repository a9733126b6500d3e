import { closeConnection, type Logger } from '@tunet/kit';
import type { Redis } from 'ioredis';
import type { Deliver, FeedTransport } from './inbox-feed';

/**
 * Redis pub/sub. A subscribed connection can do nothing else, so the process has one of its own, duplicated from
 * the store's client and shared by every subscription; it exists only while some channel is listened to, so an
 * idle process (or one whose streams ended at shutdown) holds no extra connection. Publishing uses the store's client.
 */
export class RedisTransport implements FeedTransport {
  private connection: Redis | null = null;
  private readonly listened = new Set<string>();

  constructor(
    private readonly client: Redis,
    private readonly deliver: Deliver,
    private readonly logger: Logger,
  ) {}

  async listen(channel: string): Promise<void> {
    this.listened.add(channel);
    await this.subscriber().subscribe(channel);
  }

  async unlisten(channel: string): Promise<void> {
    this.listened.delete(channel);
    const connection = this.connection;
    if (!connection) return;
    if (this.listened.size > 0) return void (await connection.unsubscribe(channel));
    this.connection = null;
    await closeConnection(connection);
  }

  async send(channel: string, message: string): Promise<void> {
    await this.client.publish(channel, message);
  }

  async close(): Promise<void> {
    this.listened.clear();
    const connection = this.connection;
    this.connection = null;
    if (connection) await closeConnection(connection);
  }

  private subscriber(): Redis {
    if (this.connection) return this.connection;
    // ioredis resubscribes the listened channels by itself after reconnecting; messages meanwhile are lost.
    // No command timeout (decision 0059): SUBSCRIBE waits for the new connection, longer than a command may on a busy host.
    const connection = this.client.duplicate({ commandTimeout: undefined });
    connection.on('message', (channel: string, message: string) => this.deliver(channel, message));
    connection.on('error', (error: Error) => this.logger.warn({ err: error }, 'inbox feed subscriber connection failed'));
    this.connection = connection;
    return connection;
  }
}
