import { randomUUID } from 'node:crypto';
import { asc, inArray, isNull, sql } from 'drizzle-orm';
import { bigint, jsonb, pgSchema, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import type { Tx } from '../database';

/** Something that happened in one association, as every consumer of the event stream sees it. */
export interface Event {
  /** Unique per event and kept through redelivery: consumers deduplicate by it. */
  eventId: string;
  /** `<domain>.<what_happened>`, e.g. `member.moved_out`. */
  topic: string;
  associationId: string;
  occurredAt: Date;
  /** Stored as JSON: dates arrive as strings, and `undefined` and functions vanish. */
  payload: Record<string, unknown>;
}

export type NewEvent = Pick<Event, 'topic' | 'associationId' | 'payload'>;

/** An outbox row the relay holds locked until it has appended the event to the stream. */
export interface UnrelayedEvent {
  id: number;
  event: Event;
}

const TOPIC = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/;

/**
 * A subgraph's outbox (`db.outbox`): events are written in the same transaction as the change they describe,
 * so they commit or roll back with it, and `OutboxRelay` moves them to the event stream after the commit.
 */
export class Outbox {
  private readonly table: OutboxTable;

  constructor(schema: string) {
    this.table = outboxTable(schema);
  }

  /** Records the event in the caller's transaction; row-level security refuses another association's events. */
  async add(tx: Tx, event: NewEvent): Promise<Event> {
    if (!TOPIC.test(event.topic)) throw new Error(`invalid event topic ${JSON.stringify(event.topic)}`);
    const [row] = await tx
      .insert(this.table)
      .values({ eventId: randomUUID(), associationId: event.associationId, topic: event.topic, payload: event.payload })
      .returning();
    // An insert of one value returns exactly one row.
    return toEvent(row!);
  }

  /** For `OutboxRelay`: the oldest unrelayed events, locked so that other relays skip rather than resend them. */
  async lockUnrelayed(tx: Tx, limit: number): Promise<UnrelayedEvent[]> {
    const rows = await tx
      .select()
      .from(this.table)
      .where(isNull(this.table.relayedAt))
      .orderBy(asc(this.table.id))
      .limit(limit)
      .for('update', { skipLocked: true });
    return rows.map((row) => ({ id: row.id, event: toEvent(row) }));
  }

  /** For `OutboxRelay`, once the stream has the events. */
  async markRelayed(tx: Tx, ids: number[]): Promise<void> {
    await tx.update(this.table).set({ relayedAt: sql`now()` }).where(inArray(this.table.id, ids));
  }
}

function outboxTable(schema: string) {
  return pgSchema(schema).table('outbox', {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    eventId: uuid('event_id').notNull().unique(),
    associationId: uuid('association_id').notNull(),
    topic: text('topic').notNull(),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
    occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull().defaultNow(),
    relayedAt: timestamp('relayed_at', { withTimezone: true }),
  });
}

type OutboxTable = ReturnType<typeof outboxTable>;

function toEvent(row: OutboxTable['$inferSelect']): Event {
  const { eventId, topic, associationId, occurredAt, payload } = row;
  return { eventId, topic, associationId, occurredAt, payload };
}

/**
 * The outbox every subgraph schema gets from the migration runner. It is created in one guarded step rather than
 * statement by statement with `if not exists`, because `create index` and `alter table` would lock the live
 * outbox on every start until the migrations commit; a later change to it needs a guarded step of its own.
 * The role needs no grant on the identity sequence (PostgreSQL does not check it for identity columns), and its
 * table rights come from the schema's default privileges.
 */
export function outboxSchemaSql(schema: string): string {
  return `
    do $$ begin
      if to_regclass('${schema}.outbox') is null then
        create table ${schema}.outbox (
          id bigint generated always as identity primary key,
          event_id uuid not null unique,
          association_id uuid not null,
          topic text not null,
          payload jsonb not null,
          occurred_at timestamptz not null default now(),
          relayed_at timestamptz
        );
        -- Serves the relay's "where relayed_at is null order by id limit n for update skip locked": it holds only
        -- the backlog, so the relay's poll stays cheap however many relayed rows the table keeps.
        create index outbox_unrelayed on ${schema}.outbox (id) where relayed_at is null;
        alter table ${schema}.outbox enable row level security;
        alter table ${schema}.outbox force row level security;
        create policy tenant_isolation on ${schema}.outbox
          using (association_id = ${schema}.current_association_id() or ${schema}.in_system_scope());
      end if;
    end $$;
  `;
}
