import { z } from 'zod';
import type { Logger } from '../logger';
import type { Event } from './outbox';

/**
 * The stream primitives both backends provide, named after their Redis Streams commands, so that one consumer
 * loop (event-stream.ts) gives Redis and the in-process stand-in the same delivery semantics.
 */
export interface StreamBackend {
  append(events: readonly Event[]): Promise<void>;
  /**
   * Creates the group at the end of the stream if it does not exist yet, and reads as `consumer` in it. A group
   * that is gone later (Redis emptied) is created again by the reader, at the start of the stream, and logged.
   */
  join(group: string, consumer: string, logger: Logger): Promise<GroupReader>;
}

export interface GroupReader {
  /** Entries delivered to this consumer before and never acknowledged, after `afterId` (XREADGROUP with an id). */
  readOwnPending(afterId: string, count: number): Promise<Delivery[]>;
  /** Takes over entries that any consumer of the group has held unacknowledged for `minIdleMs` (XAUTOCLAIM). */
  claimIdle(minIdleMs: number, count: number): Promise<Delivery[]>;
  /** Entries no consumer of the group has received yet, waiting up to `blockMs` for one (XREADGROUP `>`). */
  readNew(count: number, blockMs: number): Promise<Delivery[]>;
  ack(id: string): Promise<void>;
  /** Cuts a waiting `readNew` short and releases the reader; `ack` keeps working until the loop has ended. */
  close(): Promise<void>;
}

export interface Delivery {
  id: string;
  /** Undefined when the entry was trimmed from the stream before it was acknowledged, or cannot be read. */
  event: Event | undefined;
}

/** Events travel as JSON in both backends, so a handler sees the same values whichever one runs. */
export function encodeEvent(event: Event): string {
  return JSON.stringify(event);
}

const encodedEvent = z.object({
  eventId: z.string(),
  topic: z.string(),
  associationId: z.string(),
  occurredAt: z.coerce.date(),
  payload: z.record(z.string(), z.unknown()),
  replayFor: z.string().optional(),
});

export function decodeEvent(json: string | undefined): Event | undefined {
  if (json === undefined) return undefined;
  try {
    const parsed = encodedEvent.safeParse(JSON.parse(json));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
