import type { FastStore } from '../redis';
import type { Event } from './outbox';
import { Pause } from './pause';
import { decodeEvent, encodeEvent, type Delivery, type GroupReader, type StreamBackend } from './stream-backend';

interface Entry {
  id: number;
  encoded: string;
  /** When it was appended (ms), as Redis stream ids say. */
  at: number;
}

/** How the stand-in trims, as Redis does: about `maxLength` entries, none older than `maxAgeMs`. */
export interface MemoryTrim {
  maxLength: number;
  maxAgeMs: number;
  now: () => number;
}

interface Group {
  lastDelivered: number;
  /** In id order: entries are added by increasing id and claims update them in place. */
  pending: Map<number, { consumer: string; deliveredAt: number }>;
}

/** What Redis keeps for the stream key: its entries and its consumer groups. */
class MemoryLog {
  private entries: Entry[] = [];
  private lastId = 0;
  private readonly groups = new Map<string, Group>();
  private readonly waiting = new Set<Pause>();

  append(events: readonly Event[], { maxLength, maxAgeMs, now }: MemoryTrim): void {
    const at = now();
    for (const event of events) this.entries.push({ id: ++this.lastId, encoded: encodeEvent(event), at });
    if (this.entries.length > maxLength) this.entries.splice(0, this.entries.length - maxLength);
    const fresh = this.entries.findIndex((entry) => entry.at >= at - maxAgeMs);
    this.entries.splice(0, fresh < 0 ? this.entries.length : fresh);
    for (const pause of this.waiting) pause.interrupt();
  }

  group(name: string): Group {
    let group = this.groups.get(name);
    if (!group) {
      group = { lastDelivered: this.lastId, pending: new Map() };
      this.groups.set(name, group);
    }
    return group;
  }

  /** Per group, as XINFO GROUPS says: entries delivered and not acknowledged, and entries not delivered yet. */
  groupStats(): { group: string; pending: number; lag: number }[] {
    const first = this.entries[0]?.id ?? this.lastId + 1;
    const waiting = (lastDelivered: number) => Math.max(0, this.lastId - Math.max(lastDelivered, first - 1));
    return [...this.groups].map(([group, { pending, lastDelivered }]) => ({ group, pending: pending.size, lag: waiting(lastDelivered) }));
  }

  entry(id: number): Entry | undefined {
    const first = this.entries[0];
    return first && id >= first.id ? this.entries[id - first.id] : undefined;
  }

  after(id: number, count: number): Entry[] {
    const first = this.entries[0];
    if (!first) return [];
    const start = Math.max(0, id + 1 - first.id);
    return this.entries.slice(start, start + count);
  }

  async waitForAppend(pause: Pause, ms: number): Promise<void> {
    this.waiting.add(pause);
    try {
      await pause.for(ms);
    } finally {
      this.waiting.delete(pause);
    }
  }
}

/** Every subgraph of the embedded process must share one stream, as they would share one Redis. */
const logs = new WeakMap<FastStore, MemoryLog>();

/** The in-process stand-in for Redis Streams: correct only while producers and consumers share a process. */
export function memoryStreamBackend(store: FastStore, trim: MemoryTrim): StreamBackend {
  let log = logs.get(store);
  if (!log) {
    log = new MemoryLog();
    logs.set(store, log);
  }
  const shared = log;
  return {
    append: async (events) => shared.append(events, trim),
    // Nothing in-process empties the log while it runs, so a group is never lost and the logger stays unused.
    join: async (group, consumer) => new MemoryGroupReader(shared, shared.group(group), consumer),
  };
}

/** The stand-in's consumer groups with their pending and lag counts (stream-metrics.ts); none before the first append or join. */
export function memoryGroupStats(store: FastStore): { group: string; pending: number; lag: number }[] {
  return logs.get(store)?.groupStats() ?? [];
}

class MemoryGroupReader implements GroupReader {
  private readonly pause = new Pause();
  private closed = false;

  constructor(
    private readonly log: MemoryLog,
    private readonly group: Group,
    private readonly consumer: string,
  ) {}

  async readOwnPending(afterId: string, count: number): Promise<Delivery[]> {
    const after = Number(afterId);
    return [...this.group.pending]
      .filter(([id, pending]) => id > after && pending.consumer === this.consumer)
      .slice(0, count)
      .map(([id]) => this.delivery(id));
  }

  async claimIdle(minIdleMs: number, count: number): Promise<Delivery[]> {
    const now = Date.now();
    const claimed: Delivery[] = [];
    for (const [id, pending] of this.group.pending) {
      if (claimed.length === count) break;
      if (now - pending.deliveredAt < minIdleMs) continue;
      if (this.log.entry(id)) {
        this.group.pending.set(id, { consumer: this.consumer, deliveredAt: now });
        claimed.push(this.delivery(id));
      } else {
        this.group.pending.delete(id); // trimmed away: Redis drops these from the pending list too
      }
    }
    return claimed;
  }

  async readNew(count: number, blockMs: number): Promise<Delivery[]> {
    if (!this.closed && this.log.after(this.group.lastDelivered, 1).length === 0) await this.log.waitForAppend(this.pause, blockMs);
    if (this.closed) return [];
    const entries = this.log.after(this.group.lastDelivered, count);
    for (const entry of entries) {
      this.group.pending.set(entry.id, { consumer: this.consumer, deliveredAt: Date.now() });
      this.group.lastDelivered = entry.id;
    }
    return entries.map((entry) => ({ id: String(entry.id), event: decodeEvent(entry.encoded) }));
  }

  async ack(id: string): Promise<void> {
    this.group.pending.delete(Number(id));
  }

  async close(): Promise<void> {
    this.closed = true;
    this.pause.interrupt();
  }

  private delivery(id: number): Delivery {
    return { id: String(id), event: decodeEvent(this.log.entry(id)?.encoded) };
  }
}
