import { randomUUID } from 'node:crypto';
import { and, asc, eq, gt, gte, inArray, isNotNull, isNull, lt, or, sql, type Column, type SQL } from 'drizzle-orm';
import { bigint, boolean, jsonb, pgSchema, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { tunetEvents, type EventContracts, type PayloadInput, type TunetEvents } from '@tunet/events';
import { z } from 'zod';
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
  /**
   * Set only on a dead letter an operator replays: the one consumer group that should see it again. The others
   * acknowledge it unseen, having handled it the first time.
   */
  replayFor?: string;
}

/** An event a producer writes: a known topic with a payload of that topic's contract (packages/events). */
export type NewEvent<C extends EventContracts = TunetEvents> = {
  [T in keyof C & string]: { topic: T; associationId: string; payload: PayloadInput<C, T> };
}[keyof C & string];

/** An event as a service builds it, before the repository writes it for the tenant. */
export type Announcement<C extends EventContracts = TunetEvents> = {
  [T in keyof C & string]: { topic: T; payload: PayloadInput<C, T> };
}[keyof C & string];

/** An outbox row the relay holds locked until it has appended the event to the stream. */
export interface UnrelayedEvent {
  id: number;
  event: Event;
}

const TOPIC = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/;

/** An event whose topic or payload breaks the contract: a bug in the producer, refused before anything is written. */
export class EventContractError extends Error {
  override name = 'EventContractError';
}

/**
 * A subgraph's outbox (`db.outbox`): events are written in the same transaction as the change they describe,
 * so they commit or roll back with it, and `OutboxRelay` moves them to the event stream after the commit.
 */
export class Outbox<C extends EventContracts = TunetEvents> {
  private readonly table: OutboxTable;

  constructor(
    schema: string,
    private readonly contracts: C = tunetEvents as EventContracts as C,
  ) {
    this.table = outboxTable(schema);
  }

  /**
   * Records the event in the caller's transaction; row-level security refuses another association's events.
   * Throws `EventContractError` for a topic without a contract or a payload that does not match it.
   */
  async add(tx: Tx, event: NewEvent<C>): Promise<Event> {
    const payload = this.checked(event.topic, event.payload);
    const [row] = await tx.insert(this.table).values({ eventId: randomUUID(), associationId: event.associationId, topic: event.topic, payload }).returning();
    // An insert of one value returns exactly one row.
    return toEvent(row!);
  }

  /** The payload as its contract parses it: what consumers will parse again. */
  private checked(topic: string, payload: unknown): Record<string, unknown> {
    if (!TOPIC.test(topic)) throw new EventContractError(`invalid event topic ${JSON.stringify(topic)}`);
    const contract = Object.hasOwn(this.contracts, topic) ? this.contracts[topic] : undefined;
    if (!contract) throw new EventContractError(`unknown event topic ${topic}: add its contract to packages/events`);
    const parsed = contract.schema.safeParse(payload);
    if (!parsed.success) throw new EventContractError(`${topic} payload breaks its contract: ${z.prettifyError(parsed.error)}`);
    return parsed.data as Record<string, unknown>;
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

  /**
   * For `OutboxRelay`, once the stream has the events: kept for a replay, except those an erasure marked
   * (`forgetPerson`), which are deleted now that they went out.
   */
  async markRelayed(tx: Tx, ids: number[]): Promise<void> {
    await tx.delete(this.table).where(and(inArray(this.table.id, ids), eq(this.table.forgetWhenRelayed, true)));
    await tx
      .update(this.table)
      .set({ relayedAt: sql`now()` })
      .where(inArray(this.table.id, ids));
  }

  /**
   * For an erasure, in the association's tenant scope: the association's events whose payload names one of the
   * person's ids (member or account id, anywhere in it: a recipient list, an access-log entry) are kept for no
   * replay. Relayed ones are deleted; unrelayed ones still go out as they are (consumers must learn that a booking
   * was cancelled or a member left) and are deleted once relayed. Resolves to how many rows were deleted and marked
   * (decision 0052). The unrelayed ones are marked first: a row the relay holds locked waits, and is then seen
   * relayed by the delete, which reads anew. Throws for an id that is not a uuid (`namesPerson`).
   */
  async forgetPerson(tx: Tx, associationId: string, personIds: readonly string[]): Promise<{ deleted: number; marked: number }> {
    return this.forget(tx, eq(this.table.associationId, associationId), personIds);
  }

  /**
   * `forgetPerson` in every association, in system scope: for a login deleted with its last membership, whose
   * e-mail changes name it in associations it belonged to before (members' erasure).
   */
  async forgetPersonInEveryAssociation(tx: Tx, personIds: readonly string[]): Promise<{ deleted: number; marked: number }> {
    return this.forget(tx, undefined, personIds);
  }

  private async forget(tx: Tx, ofAssociation: SQL | undefined, personIds: readonly string[]): Promise<{ deleted: number; marked: number }> {
    const names = namesPerson(this.table.payload, personIds);
    if (!names) return { deleted: 0, marked: 0 };
    const marked = await tx
      .update(this.table)
      .set({ forgetWhenRelayed: true })
      .where(and(ofAssociation, isNull(this.table.relayedAt), names))
      .returning({ id: this.table.id });
    const deleted = await tx
      .delete(this.table)
      .where(and(ofAssociation, isNotNull(this.table.relayedAt), names))
      .returning({ id: this.table.id });
    return { deleted: deleted.length, marked: marked.length };
  }

  /**
   * For an association erased whole (its agreement ended): every event of the association is deleted, the unrelayed
   * ones too, as privacy's own erasure deletes its rows: there is nobody left to tell. Nothing of it is left for the
   * relay to send or a replay to re-create in a consumer. Rows the relay holds locked are waited for.
   */
  async forgetAssociation(tx: Tx, associationId: string): Promise<{ deleted: number }> {
    const deleted = await tx.delete(this.table).where(eq(this.table.associationId, associationId)).returning({ id: this.table.id });
    return { deleted: deleted.length };
  }

  /**
   * For a replay (outbox-replay.ts): up to `limit` events relayed at or after `since`, with an outbox id above
   * `afterId`, in id order. Unrelayed rows are left to the relay.
   */
  async relayedSince(tx: Tx, since: Date, afterId: number, limit: number): Promise<UnrelayedEvent[]> {
    const rows = await tx
      .select()
      .from(this.table)
      .where(and(gte(this.table.relayedAt, since), gt(this.table.id, afterId)))
      .orderBy(asc(this.table.id))
      .limit(limit);
    return rows.map((row) => ({ id: row.id, event: toEvent(row) }));
  }

  /**
   * For `OutboxRelay`: deletes up to `limit` rows relayed more than `olderThanMs` ago (by the database's clock, which
   * set `relayed_at`); resolves to how many. Relayed rows still hold the payloads — names, e-mail addresses,
   * one-time tokens — that the stream has delivered by then, so they must not outlive an erasure (decision 0007).
   * Relayed rows an erasure marked go whatever their age: a relay of a version before `forget_when_relayed` (a
   * rolling deploy) kept them.
   */
  async pruneRelayed(tx: Tx, olderThanMs: number, limit: number): Promise<number> {
    const old = tx
      .select({ id: this.table.id })
      .from(this.table)
      .where(
        or(
          lt(this.table.relayedAt, sql`now() - make_interval(secs => ${olderThanMs / 1000})`),
          and(eq(this.table.forgetWhenRelayed, true), isNotNull(this.table.relayedAt)),
        ),
      )
      .limit(limit)
      .for('update', { skipLocked: true });
    const deleted = await tx.delete(this.table).where(inArray(this.table.id, old)).returning({ id: this.table.id });
    return deleted.length;
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * For an erasure: the JSON in `column` (an outbox payload, a dead letter's event) names one of the person's ids
 * anywhere in it; undefined for no ids. Throws for an id that is not a uuid: '' or a fragment would match every row.
 */
export function namesPerson(column: Column, personIds: readonly string[]): SQL | undefined {
  const notUuid = personIds.find((id) => !UUID.test(id));
  if (notUuid !== undefined) throw new Error(`an erasure names people by uuid, not ${JSON.stringify(notUuid)}`);
  return or(...personIds.map((id) => sql`position(${id.toLowerCase()} in lower(${column}::text)) > 0`));
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
    forgetWhenRelayed: boolean('forget_when_relayed').notNull().default(false),
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
    do $$ begin
      if to_regclass('${schema}.outbox_relayed') is null then
        -- Serves the relay's prune, "delete where relayed_at < now() - age limit n": the relayed rows by age.
        create index outbox_relayed on ${schema}.outbox (relayed_at) where relayed_at is not null;
      end if;
    end $$;
    do $$ begin
      if not exists (select from information_schema.columns where table_schema = '${schema}' and table_name = 'outbox' and column_name = 'forget_when_relayed') then
        -- Set by an erasure (Outbox.forgetPerson) on an unrelayed event naming the person: deleted once relayed.
        alter table ${schema}.outbox add column forget_when_relayed boolean not null default false;
      end if;
    end $$;
    do $$ begin
      if to_regclass('${schema}.outbox_forgotten') is null then
        -- Serves the relay's prune, "delete where forget_when_relayed and relayed_at is not null": rows an erasure
        -- marked that a relay of an older version sent and kept. Almost always none, so the index stays empty.
        create index outbox_forgotten on ${schema}.outbox (id) where forget_when_relayed and relayed_at is not null;
      end if;
    end $$;
  `;
}
