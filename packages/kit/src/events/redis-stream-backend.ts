import type { Redis } from 'ioredis';
import type { Event } from './outbox';
import { decodeEvent, encodeEvent, type Delivery, type GroupReader, type StreamBackend } from './stream-backend';

/** An entry as Redis returns it: the fields are null once the entry has been trimmed away. */
type RawEntry = [id: string, fields: string[] | null];

const EVENT_FIELD = 'event';

/**
 * One Redis stream for every topic, trimmed to about `maxLength` entries (`MAXLEN ~` lets Redis trim cheaply) and
 * exactly to the entries of the last `maxAgeMs` (`XTRIM MINID`: entry ids are the milliseconds they were added at).
 */
export class RedisStreamBackend implements StreamBackend {
  constructor(
    private readonly client: Redis,
    private readonly key: string,
    private readonly maxLength: number,
    private readonly maxAgeMs: number,
    private readonly now: () => number,
  ) {}

  async append(events: readonly Event[]): Promise<void> {
    if (events.length === 0) return;
    // One MULTI, so a failure appends none rather than some: the relay then resends all of them.
    const transaction = this.client.multi();
    for (const event of events) {
      transaction.xadd(this.key, 'MAXLEN', '~', this.maxLength, '*', EVENT_FIELD, encodeEvent(event));
    }
    // Exact, not `~`: an approximate trim keeps up to a whole node of older entries, and the age is a promise.
    transaction.xtrim(this.key, 'MINID', `${Math.max(0, this.now() - this.maxAgeMs)}-0`);
    const results = await transaction.exec();
    if (!results) throw new Error('event stream append was aborted');
    const failure = results.find(([error]) => error)?.[0];
    if (failure) throw failure;
  }

  async join(group: string, consumer: string): Promise<GroupReader> {
    try {
      await this.client.xgroup('CREATE', this.key, group, '$', 'MKSTREAM');
    } catch (error) {
      if (!(error instanceof Error && error.message.startsWith('BUSYGROUP'))) throw error;
    }
    // A blocking XREADGROUP holds its connection for up to blockMs; everything else shares the store's client.
    return new RedisGroupReader(this.client, this.client.duplicate(), this.key, group, consumer);
  }
}

class RedisGroupReader implements GroupReader {
  constructor(
    private readonly client: Redis,
    private readonly blocking: Redis,
    private readonly key: string,
    private readonly group: string,
    private readonly consumer: string,
  ) {}

  async readOwnPending(afterId: string, count: number): Promise<Delivery[]> {
    const reply = await this.client.xreadgroup('GROUP', this.group, this.consumer, 'COUNT', count, 'STREAMS', this.key, afterId);
    return deliveries(reply?.[0]?.[1] ?? []);
  }

  async claimIdle(minIdleMs: number, count: number): Promise<Delivery[]> {
    // Redis drops entries trimmed meanwhile from the pending list itself and lists them separately; nothing to do.
    const [, claimed] = (await this.client.xautoclaim(this.key, this.group, this.consumer, minIdleMs, '0-0', 'COUNT', count)) as [
      cursor: string,
      claimed: RawEntry[],
    ];
    return deliveries(claimed);
  }

  async readNew(count: number, blockMs: number): Promise<Delivery[]> {
    const reply = await this.blocking.xreadgroup('GROUP', this.group, this.consumer, 'COUNT', count, 'BLOCK', blockMs, 'STREAMS', this.key, '>');
    return deliveries(reply?.[0]?.[1] ?? []);
  }

  async ack(id: string): Promise<void> {
    await this.client.xack(this.key, this.group, id);
  }

  /**
   * Disconnecting is the only way to end a blocking read early. Entries Redis delivered in a reply that is lost
   * this way stay pending for this consumer, so they come back on its restart or to another consumer.
   */
  async close(): Promise<void> {
    this.blocking.disconnect();
  }
}

function deliveries(entries: RawEntry[]): Delivery[] {
  return entries.map(([id, fields]) => ({ id, event: decodeEvent(fieldValue(fields, EVENT_FIELD)) }));
}

function fieldValue(fields: string[] | null, name: string): string | undefined {
  if (!fields) return undefined;
  const index = fields.findIndex((field, i) => i % 2 === 0 && field === name);
  return index < 0 ? undefined : fields[index + 1];
}
