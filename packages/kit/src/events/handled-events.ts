import { and, eq, inArray, lt, sql } from 'drizzle-orm';
import { pgSchema, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';
import type { SubgraphDatabase } from '../database';

/**
 * The events each consumer group of a subgraph has handled (`<schema>.handled_events`), by event id, so a
 * redelivery or a replay (`tunet replay-events`, a dead letter's replay) of an event already handled is
 * acknowledged unseen instead of applied again after the state it changed has moved on (decision 0052). An id is
 * recorded after its handler succeeded, in a transaction of its own: a crash between the handler's commit and the
 * record leaves the handler's own idempotence by state as the fallback. Platform bookkeeping, so in system scope;
 * ids of events and group names only, no personal data.
 */
export class HandledEvents {
  private readonly table: HandledEventsTable;

  constructor(private readonly db: Pick<SubgraphDatabase, 'schema' | 'system'>) {
    this.table = handledEventsTable(db.schema);
  }

  async has(group: string, eventId: string): Promise<boolean> {
    const rows = await this.db.system((tx) =>
      tx
        .select({ eventId: this.table.eventId })
        .from(this.table)
        .where(and(eq(this.table.consumerGroup, group), eq(this.table.eventId, eventId))),
    );
    return rows.length > 0;
  }

  /** Records the event as handled by the group; a second record of it (two consumers raced) changes nothing. */
  async record(group: string, eventId: string): Promise<void> {
    await this.db.system((tx) => tx.insert(this.table).values({ consumerGroup: group, eventId }).onConflictDoNothing());
  }

  /**
   * Deletes up to `limit` records made more than `olderThanMs` ago (by the database's clock, which set `handled_at`);
   * resolves to how many. Once the outbox has pruned an event (outbox-relay.ts) nothing can replay it any more.
   */
  async prune(olderThanMs: number, limit: number): Promise<number> {
    return this.db.system(async (tx) => {
      const aged = lt(this.table.handledAt, sql`now() - make_interval(secs => ${olderThanMs / 1000})`);
      const old = tx.select({ eventId: this.table.eventId }).from(this.table).where(aged).limit(limit);
      // Aged again: another group may have handled an event of the same id later.
      const deleted = await tx
        .delete(this.table)
        .where(and(aged, inArray(this.table.eventId, old)))
        .returning({ eventId: this.table.eventId });
      return deleted.length;
    });
  }
}

function handledEventsTable(schema: string) {
  return pgSchema(schema).table(
    'handled_events',
    {
      consumerGroup: text('consumer_group').notNull(),
      eventId: text('event_id').notNull(),
      handledAt: timestamp('handled_at', { withTimezone: true }).notNull().defaultNow(),
    },
    (table) => [primaryKey({ columns: [table.consumerGroup, table.eventId] })],
  );
}

type HandledEventsTable = ReturnType<typeof handledEventsTable>;

/**
 * The handled events every subgraph schema gets from the migration runner, guarded like the outbox (outbox.ts).
 * Platform-wide: no association, so forced row-level security with a system-only policy.
 */
export function handledEventsSchemaSql(schema: string): string {
  return `
    do $$ begin
      if to_regclass('${schema}.handled_events') is null then
        -- The primary key serves the subscriber's "where consumer_group = $1 and event_id = $2" before each event,
        -- and the "on conflict do nothing" of its record after.
        create table ${schema}.handled_events (
          consumer_group text not null,
          event_id text not null,
          handled_at timestamptz not null default now(),
          primary key (consumer_group, event_id)
        );
        -- Serves the prune, "delete where handled_at < now() - age limit n": the records by age.
        create index handled_events_handled_at on ${schema}.handled_events (handled_at);
        alter table ${schema}.handled_events enable row level security;
        alter table ${schema}.handled_events force row level security;
        create policy system_only on ${schema}.handled_events using (${schema}.in_system_scope());
      end if;
    end $$;
  `;
}
