import { and, eq, gt, isNull, or, sql, type SQL } from 'drizzle-orm';
import { pgSchema, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import type { SubgraphDatabase } from './database';

/**
 * The `calendar_feeds` table of a subgraph that serves private calendar feeds (decision 0028), and the only code
 * that reads or writes it. Every subgraph's table has the same shape; `calendarFeedsTableSql` writes it for a new
 * subgraph's migration, and the subgraphs' tests compare their migrated table with it.
 */
export function calendarFeedsTable(schema: string) {
  return pgSchema(schema).table(
    'calendar_feeds',
    {
      associationId: uuid('association_id').notNull(),
      memberId: uuid('member_id').notNull(),
      /** What the feed shows besides its member's association: '' for the member's own feed, else an id (a resource). */
      about: text('about').notNull().default(''),
      nonce: text('nonce'),
      tokenHash: text('token_hash'),
      issuedAt: timestamp('issued_at', { withTimezone: true, precision: 3 }),
      validUntil: timestamp('valid_until', { withTimezone: true }),
    },
    (t) => [primaryKey({ columns: [t.associationId, t.memberId, t.about] })],
  );
}

type FeedTable = ReturnType<typeof calendarFeedsTable>;
export type FeedRow = FeedTable['$inferSelect'];
/** A row with a token: what `issue` returns. */
export type IssuedFeedRow = FeedRow & { nonce: string; tokenHash: string; issuedAt: Date };
export type NewToken = { nonce: string; tokenHash: string };

/**
 * The table, for a subgraph's migration. A feed's URL carries a token only the server can compute: an HMAC, under
 * a key kept outside the database, of the association, the member, `about` and `nonce`. The row keeps the nonce,
 * so the URL can be shown again, and the token's SHA-256, so the public route can find it; a copy of the
 * database opens no feed. Resetting draws a new nonce. `valid_until` is when the feed stops working (a move-out,
 * a suspension); a row may hold it without a token, for a feed asked for later. `issued_at` tells revocations
 * apart from tokens issued after them. `member_id` names a membership in the members subgraph: no foreign key.
 */
export function calendarFeedsTableSql(schema: string): string {
  return `
    create table ${schema}.calendar_feeds (
      association_id uuid not null,
      member_id uuid not null,
      about text not null default '',
      nonce text,
      token_hash text,
      issued_at timestamptz(3),
      valid_until timestamptz,
      primary key (association_id, member_id, about),
      check ((nonce is null) = (token_hash is null) and (token_hash is null) = (issued_at is null))
    );
    -- The public route: the feed whose token hash the URL gives, within the association the token names.
    create unique index calendar_feeds_by_token on ${schema}.calendar_feeds (association_id, token_hash);
    alter table ${schema}.calendar_feeds enable row level security;
    alter table ${schema}.calendar_feeds force row level security;
    create policy tenant_isolation on ${schema}.calendar_feeds
      using (association_id = ${schema}.current_association_id() or ${schema}.in_system_scope());
  `;
}

/** Reads and writes a subgraph's `calendar_feeds`. Every call names its tenant. */
export class CalendarFeedStore {
  private readonly table: FeedTable;

  constructor(private readonly db: SubgraphDatabase) {
    this.table = calendarFeedsTable(db.schema);
  }

  /**
   * The member's feed of `about`, given `fresh` as its token unless `keep` accepts the current one. The row is
   * created first and then locked, so two first asks at once end with one token rather than one failing on the
   * key. A new token keeps the earliest revocation still ahead of any of the member's feeds (a move-out next
   * week); one already past is lifted, because only a current member can ask.
   */
  issue(tenant: string, memberId: string, about: string, keep: (feed: FeedRow) => boolean, fresh: NewToken, now: Date): Promise<IssuedFeedRow> {
    const t = this.table;
    const thisFeed = and(eq(t.associationId, tenant), eq(t.memberId, memberId), eq(t.about, about));
    return this.db.tenant(tenant, async (tx) => {
      await tx.insert(t).values({ associationId: tenant, memberId, about }).onConflictDoNothing();
      const [current] = await tx.select().from(t).where(thisFeed).for('update');
      if (current && keep(current)) return current as IssuedFeedRow;
      const [issued] = await tx
        .update(t)
        .set({
          ...fresh,
          issuedAt: now,
          validUntil: sql`(select min(valid_until) from ${t} where association_id = ${tenant} and member_id = ${memberId}
            and valid_until > ${now.toISOString()}::timestamptz)`,
        })
        .where(thisFeed)
        .returning();
      return issued as IssuedFeedRow;
    });
  }

  /** The feed a token hash opens, unless it stopped working by `now`. */
  async findLive(tenant: string, hash: string, now: Date): Promise<FeedRow | null> {
    const t = this.table;
    const [row] = await this.db.tenant(tenant, (tx) =>
      tx
        .select()
        .from(t)
        .where(and(eq(t.associationId, tenant), eq(t.tokenHash, hash), or(isNull(t.validUntil), gt(t.validUntil, now)))),
    );
    return row ?? null;
  }

  /**
   * Makes every feed of the member stop working at `until` (or earlier, if already set so). A token issued after
   * the revocation `occurredAt` is left alone: the stream may deliver an old suspension again after the member was
   * reinstated and asked for a new feed. A row without a token holds the date for a feed the member asks for
   * later, so it still ends with a move-out announced before.
   */
  async revoke(tenant: string, memberId: string, until: Date, occurredAt: Date): Promise<void> {
    const t = this.table;
    await this.db.tenant(tenant, async (tx) => {
      await tx.insert(t).values({ associationId: tenant, memberId }).onConflictDoNothing();
      await tx
        .update(t)
        .set({ validUntil: sql`least(${t.validUntil}, ${until.toISOString()}::timestamptz)` })
        .where(
          and(eq(t.associationId, tenant), eq(t.memberId, memberId), or(isNull(t.issuedAt), sql`${t.issuedAt} <= ${occurredAt.toISOString()}::timestamptz`)),
        );
    });
  }
}

/**
 * The table's columns, constraints and indexes as the database catalogue has them, without the schema name: a
 * subgraph's tests compare its migrated table with `calendarFeedsTableSql`'s, so a migration cannot drift from
 * the shape this store reads and writes.
 */
export async function calendarFeedsShape(db: SubgraphDatabase): Promise<unknown> {
  const table = `${db.schema}.calendar_feeds`;
  return db.system(async (tx) => {
    const rowsOf = async (query: SQL) => ((await tx.execute(query)) as { rows: unknown[] }).rows;
    return {
      columns: await rowsOf(sql`select column_name, data_type, is_nullable, column_default, datetime_precision from information_schema.columns
        where table_schema = ${db.schema} and table_name = 'calendar_feeds' order by column_name`),
      constraints: await rowsOf(sql`select contype, pg_get_constraintdef(oid) as definition from pg_constraint
        where conrelid = ${table}::regclass and contype in ('p', 'u', 'c', 'f') order by contype, definition`),
      indexes: await rowsOf(sql`select indexname, replace(indexdef, ${`${db.schema}.`}, '') as definition from pg_indexes
        where schemaname = ${db.schema} and tablename = 'calendar_feeds' order by indexname`),
      security:
        await rowsOf(sql`select relrowsecurity, relforcerowsecurity, (select count(*)::int from pg_policy where polrelid = ${table}::regclass) as policies
        from pg_class where oid = ${table}::regclass`),
    };
  });
}
