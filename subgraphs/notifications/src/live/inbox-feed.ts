import { createLogger, type FastStore, type Logger } from '@tunet/kit';
import type { InboxFeed, InboxUpdate } from '../model';
import { memoryTransport } from './memory-transport';
import { RedisTransport } from './redis-transport';
import { UpdateQueue, type InboxSubscription } from './update-queue';

export type { InboxSubscription };

/** Updates one subscriber may have waiting; a slower client loses the oldest and re-reads its inbox anyway. */
export const SUBSCRIBER_BUFFER = 100;

/** The feed as the live stream uses it: subscriptions that say when they are ready, and how many are open. */
export interface LiveInboxFeed extends InboxFeed {
  subscribe(associationId: string, memberId: string): InboxSubscription;
  /** Subscriptions open in this process (one per open stream), for tests and metrics. */
  readonly subscriptions: number;
}

/** How messages travel between the feeds of every process: Redis pub/sub, or an in-process emitter. */
export interface FeedTransport {
  /** Starts passing the channel's messages to the feed; resolves once none published afterwards can be missed. */
  listen(channel: string): Promise<void>;
  unlisten(channel: string): Promise<void>;
  send(channel: string, message: string): Promise<void>;
  close(): Promise<void>;
}

/** Hands a received message to the feed that listens. */
export type Deliver = (channel: string, message: string) => void;

/**
 * The live inbox feed: Redis pub/sub when the store is Redis (one channel per member while someone in this process
 * listens, `<namespace>:inbox:<associationId>:<memberId>`), an in-process emitter in embedded mode.
 */
export function openInboxFeed(store: FastStore, logger: Logger = createLogger('inbox-feed')): LiveInboxFeed {
  return new ChannelFeed(
    `${store.namespace}:inbox`,
    (deliver) => (store.kind === 'redis' ? new RedisTransport(store.client, deliver, logger) : memoryTransport(store, deliver)),
    logger,
  );
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface Channel {
  queues: Set<UpdateQueue>;
  listening: Promise<void>;
}

/** Fans each member's channel out to the subscriptions of this process; the transport carries it between processes. */
class ChannelFeed implements LiveInboxFeed {
  private readonly channels = new Map<string, Channel>();
  private readonly transport: FeedTransport;
  private closed = false;

  constructor(
    private readonly prefix: string,
    createTransport: (deliver: Deliver) => FeedTransport,
    private readonly logger: Logger,
  ) {
    this.transport = createTransport((channel, message) => this.deliver(channel, message));
  }

  get subscriptions(): number {
    let count = 0;
    for (const channel of this.channels.values()) count += channel.queues.size;
    return count;
  }

  async publish(associationId: string, memberId: string, update: InboxUpdate): Promise<void> {
    await this.transport.send(this.channelName(associationId, memberId), JSON.stringify({ notificationId: update.notificationId }));
  }

  subscribe(associationId: string, memberId: string): InboxSubscription {
    if (this.closed) {
      const ended = new UpdateQueue(Promise.resolve(), 0, () => undefined);
      ended.end();
      return ended;
    }
    const name = this.channelName(associationId, memberId);
    const channel = this.channels.get(name) ?? this.listen(name);
    const queue: UpdateQueue = new UpdateQueue(channel.listening, SUBSCRIBER_BUFFER, () => this.leave(name, channel, queue));
    channel.queues.add(queue);
    return queue;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const channel of this.channels.values()) for (const queue of channel.queues) queue.end();
    this.channels.clear();
    await this.transport.close();
  }

  private listen(name: string): Channel {
    const channel: Channel = { queues: new Set(), listening: this.transport.listen(name) };
    this.channels.set(name, channel);
    channel.listening.catch((error: unknown) => {
      this.logger.error({ err: error, channel: name }, 'subscribing to the inbox channel failed');
      // Its streams fail and reconnect; the next subscriber tries again instead of inheriting the failure.
      if (this.channels.get(name) === channel) this.channels.delete(name);
    });
    return channel;
  }

  private leave(name: string, channel: Channel, queue: UpdateQueue): void {
    if (!channel.queues.delete(queue) || channel.queues.size > 0 || this.closed) return;
    if (this.channels.get(name) !== channel) return;
    this.channels.delete(name);
    this.transport.unlisten(name).catch((error: unknown) => this.logger.warn({ err: error, channel: name }, 'unsubscribing from the inbox channel failed'));
  }

  private deliver(name: string, message: string): void {
    const channel = this.channels.get(name);
    if (!channel) return;
    const update = parseUpdate(message);
    if (!update) return void this.logger.warn({ channel: name }, 'malformed inbox update dropped');
    for (const queue of channel.queues) queue.push(update);
  }

  private channelName(associationId: string, memberId: string): string {
    return `${this.prefix}:${associationId}:${memberId}`;
  }
}

/** Messages come from other processes: only a well-formed update goes on, so ids reach SQL as uuids or not at all. */
function parseUpdate(message: string): InboxUpdate | null {
  try {
    const parsed = JSON.parse(message) as { notificationId?: unknown };
    const id = parsed.notificationId;
    if (id === null || (typeof id === 'string' && UUID.test(id))) return { notificationId: id };
  } catch {
    // dropped below
  }
  return null;
}
