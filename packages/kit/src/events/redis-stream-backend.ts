import type { Redis } from 'ioredis';
import type { Logger } from '../logger';
import { blockingConnection } from '../redis';
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

  async join(group: string, consumer: string, logger: Logger): Promise<GroupReader> {
    await createGroup(this.client, this.key, group, '$');
    // A blocking XREADGROUP holds its connection for up to blockMs; everything else shares the store's client.
    return new RedisGroupReader(this.client, blockingConnection(this.client), this.key, group, consumer, logger);
  }
}

/** Creates the consumer group (and the stream, if missing) reading after `startId`; a group that exists is kept as it is. */
async function createGroup(client: Redis, key: string, group: string, startId: '$' | '0'): Promise<void> {
  try {
    await client.xgroup('CREATE', key, group, startId, 'MKSTREAM');
  } catch (error) {
    if (!(error instanceof Error && error.message.startsWith('BUSYGROUP'))) throw error;
  }
}

class RedisGroupReader implements GroupReader {
  constructor(
    private readonly client: Redis,
    private readonly blocking: Redis,
    private readonly key: string,
    private readonly group: string,
    private readonly consumer: string,
    private readonly logger: Logger,
  ) {}

  readOwnPending(afterId: string, count: number): Promise<Delivery[]> {
    return this.inGroup(async () => {
      const reply = await this.client.xreadgroup('GROUP', this.group, this.consumer, 'COUNT', count, 'STREAMS', this.key, afterId);
      return deliveries(reply?.[0]?.[1] ?? []);
    });
  }

  claimIdle(minIdleMs: number, count: number): Promise<Delivery[]> {
    return this.inGroup(async () => {
      // Redis drops entries trimmed meanwhile from the pending list itself and lists them separately; nothing to do.
      const [, claimed] = (await this.client.xautoclaim(this.key, this.group, this.consumer, minIdleMs, '0-0', 'COUNT', count)) as [
        cursor: string,
        claimed: RawEntry[],
      ];
      return deliveries(claimed);
    });
  }

  readNew(count: number, blockMs: number): Promise<Delivery[]> {
    return this.inGroup(async () => {
      const reply = await this.blocking.xreadgroup('GROUP', this.group, this.consumer, 'COUNT', count, 'BLOCK', blockMs, 'STREAMS', this.key, '>');
      return deliveries(reply?.[0]?.[1] ?? []);
    });
  }

  async ack(id: string): Promise<void> {
    // XACK answers 0, not NOGROUP, for a group or stream that is gone: the entry went with it.
    await this.client.xack(this.key, this.group, id);
  }

  /**
   * Runs a group command; when Redis answers NOGROUP — it lost the group, and with it every other, because it was
   * emptied (FLUSHALL, a restart without persistence) or restored from an older snapshot — creates the group again
   * and runs the command once more. At id 0, not `$`: the stream now holds only what producers appended since the
   * loss (or, restored, what the old group may not have read), and `$` would skip those events for good; the
   * consumers deduplicate by event id, so reading some twice is harmless (decision 0052).
   */
  private async inGroup<T>(command: () => Promise<T>): Promise<T> {
    try {
      return await command();
    } catch (error) {
      if (!(error instanceof Error && error.message.startsWith('NOGROUP'))) throw error;
      await createGroup(this.client, this.key, this.group, '0');
      this.logger.warn(
        { group: this.group, key: this.key },
        'the consumer group was gone (Redis emptied or restored); created it again from the start of the stream',
      );
      return command();
    }
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
