import { and, desc, eq, inArray, lt, sql, type SQL } from 'drizzle-orm';
import { bigint, integer, jsonb, pgSchema, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import type { SubgraphDatabase, Tx } from '../database';
import type { EventStream } from './event-stream';
import { namesPerson, type Event } from './outbox';

/**
 * An event one consumer group gave up on, with why; kept until an operator replays or deletes it, or until it is
 * older than the relay keeps dead letters (30 days by default, decision 0007).
 */
export interface DeadLetter {
  id: number;
  group: string;
  event: Event;
  reason: string;
  /** Handler attempts made; 0 when the payload did not parse and no handler ran. */
  attempts: number;
  deadAt: Date;
  replayedAt: Date | null;
}

/** The dead letter was replayed before; replaying it again takes `again`. */
export class AlreadyReplayed extends Error {
  constructor(readonly letter: DeadLetter) {
    super(`dead letter ${letter.id} was replayed at ${letter.replayedAt?.toISOString()}`);
  }
}

/**
 * A subgraph's dead letters (`<schema>.dead_letters`): events its consumer could not take — a payload that breaks
 * its contract, or a handler that kept failing — set aside so they never block the stream. Platform operations,
 * so in system scope; the table still has the tenant policy of every tenant table.
 */
export class DeadLetters {
  private readonly table: DeadLettersTable;

  constructor(private readonly db: Pick<SubgraphDatabase, 'schema' | 'system'>) {
    this.table = deadLettersTable(db.schema);
  }

  async add(group: string, event: Event, reason: string, attempts: number): Promise<void> {
    await this.db.system((tx) =>
      tx.insert(this.table).values({
        consumerGroup: group,
        eventId: event.eventId,
        // A well-formed envelope has a uuid here; a malformed one keeps its association in the event itself.
        associationId: UUID.test(event.associationId) ? event.associationId : null,
        topic: event.topic,
        event: { ...event, occurredAt: event.occurredAt.toISOString() },
        reason,
        attempts,
      }),
    );
  }

  /**
   * Deletes up to `limit` dead letters set aside more than `olderThanMs` ago: the events hold personal data, and one
   * nobody replayed within the period is past being useful. Resolves to what was deleted (for the warning).
   */
  async prune(olderThanMs: number, limit: number): Promise<{ id: number; group: string; topic: string; replayed: boolean }[]> {
    const cutoff = new Date(Date.now() - olderThanMs);
    return this.db.system(async (tx) => {
      const due = tx.select({ id: this.table.id }).from(this.table).where(lt(this.table.deadAt, cutoff)).orderBy(this.table.id).limit(limit);
      const deleted = await tx
        .delete(this.table)
        .where(inArray(this.table.id, due))
        .returning({ id: this.table.id, group: this.table.consumerGroup, topic: this.table.topic, replayedAt: this.table.replayedAt });
      return deleted.map(({ replayedAt, ...letter }) => ({ ...letter, replayed: replayedAt !== null }));
    });
  }

  /**
   * For an erasure, in the association's tenant scope, beside `Outbox.forgetPerson`: deletes the association's dead
   * letters whose event names one of the person's ids, which a replay would otherwise send again for 30 days
   * (decision 0052). Resolves to how many. Throws for an id that is not a uuid.
   */
  async forgetPerson(tx: Tx, associationId: string, personIds: readonly string[]): Promise<number> {
    return this.forget(tx, eq(this.table.associationId, associationId), personIds);
  }

  /** `forgetPerson` in every association, in system scope, beside `Outbox.forgetPersonInEveryAssociation`. */
  async forgetPersonInEveryAssociation(tx: Tx, personIds: readonly string[]): Promise<number> {
    return this.forget(tx, undefined, personIds);
  }

  private async forget(tx: Tx, ofAssociation: SQL | undefined, personIds: readonly string[]): Promise<number> {
    const names = namesPerson(this.table.event, personIds);
    if (!names) return 0;
    const deleted = await tx.delete(this.table).where(and(ofAssociation, names)).returning({ id: this.table.id });
    return deleted.length;
  }

  /** For an association erased whole, beside `Outbox.forgetAssociation`: deletes all its dead letters; resolves to how many. */
  async forgetAssociation(tx: Tx, associationId: string): Promise<number> {
    const deleted = await tx.delete(this.table).where(eq(this.table.associationId, associationId)).returning({ id: this.table.id });
    return deleted.length;
  }

  /** The newest first. */
  async list(limit = 100): Promise<DeadLetter[]> {
    const rows = await this.db.system((tx) => tx.select().from(this.table).orderBy(desc(this.table.id)).limit(limit));
    return rows.map(toDeadLetter);
  }

  /**
   * Deletes one dead letter an operator has dealt with (replayed, or decided to drop: its event holds personal data
   * until the relay's prune would delete it). Resolves to what was deleted, or null if there is none.
   */
  async delete(id: number): Promise<DeadLetter | null> {
    const [row] = await this.db.system((tx) => tx.delete(this.table).where(eq(this.table.id, id)).returning());
    return row ? toDeadLetter(row) : null;
  }

  /**
   * Appends the event again, for its group only (the other groups acknowledge it unseen), with its own `eventId`
   * so a handler that did part of the work deduplicates. Resolves to the dead letter, or null if there is none.
   * A letter replayed before is refused (`AlreadyReplayed`) unless `again`: the subscriber skips an event id its
   * group has handled (handled-events.ts), but keeps the ids only for the outbox's retention and a day while a dead
   * letter stays 30 days, and an id is not recorded if the process dies right after the handler; then only the
   * handler's idempotence by state is left, and a stale second replay could undo what happened since (a reinstated
   * member suspended again).
   */
  async replay(id: number, stream: EventStream, options: { again?: boolean } = {}): Promise<DeadLetter | null> {
    return this.db.system(async (tx) => {
      const [row] = await tx.select().from(this.table).where(eq(this.table.id, id)).for('update');
      if (!row) return null;
      const letter = toDeadLetter(row);
      if (letter.replayedAt && !options.again) throw new AlreadyReplayed(letter);
      await stream.append([{ ...letter.event, replayFor: letter.group }]);
      const [replayed] = await tx
        .update(this.table)
        .set({ replayedAt: sql`now()` })
        .where(eq(this.table.id, id))
        .returning();
      return toDeadLetter(replayed!);
    });
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function deadLettersTable(schema: string) {
  return pgSchema(schema).table('dead_letters', {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    consumerGroup: text('consumer_group').notNull(),
    eventId: text('event_id').notNull(),
    associationId: uuid('association_id'),
    topic: text('topic').notNull(),
    event: jsonb('event').$type<Omit<Event, 'occurredAt'> & { occurredAt: string }>().notNull(),
    reason: text('reason').notNull(),
    attempts: integer('attempts').notNull(),
    deadAt: timestamp('dead_at', { withTimezone: true }).notNull().defaultNow(),
    replayedAt: timestamp('replayed_at', { withTimezone: true }),
  });
}

type DeadLettersTable = ReturnType<typeof deadLettersTable>;

function toDeadLetter(row: DeadLettersTable['$inferSelect']): DeadLetter {
  const { id, consumerGroup, event, reason, attempts, deadAt, replayedAt } = row;
  return { id, group: consumerGroup, event: { ...event, occurredAt: new Date(event.occurredAt) }, reason, attempts, deadAt, replayedAt };
}

/**
 * The dead letters every subgraph schema gets from the migration runner, guarded like the outbox (outbox.ts). The
 * event is kept whole, as it came off the stream, so a replay sends exactly what failed.
 */
export function deadLettersSchemaSql(schema: string): string {
  return `
    do $$ begin
      if to_regclass('${schema}.dead_letters') is null then
        create table ${schema}.dead_letters (
          id bigint generated always as identity primary key,
          consumer_group text not null,
          event_id text not null,
          association_id uuid,
          topic text not null,
          event jsonb not null,
          reason text not null,
          attempts int not null,
          dead_at timestamptz not null default now(),
          replayed_at timestamptz
        );
        alter table ${schema}.dead_letters enable row level security;
        alter table ${schema}.dead_letters force row level security;
        create policy tenant_isolation on ${schema}.dead_letters
          using (association_id = ${schema}.current_association_id() or ${schema}.in_system_scope());
      end if;
    end $$;
  `;
}
