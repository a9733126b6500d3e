import type { PrivacyMovedOutAnswer, PrivacyMovedOutRequest, SubgraphDatabase, Tx } from '@tunet/kit';
import { sql, type SQL } from 'drizzle-orm';
import { queuePortraitDeletions } from '../members/portraits.repository';

export type Rows = Record<string, unknown>[];
/** Rows affected per table. */
export type Counts = Record<string, number>;

/** Secrets that never leave members, even in a person's own export: only their hashes are stored anyway. */
const SECRET_COLUMNS = sql`array['token_hash', 'key_hash', 'password_hash', 'sort_name']`;

/** A table's rows as JSON (ids, dates and JSON as JSON), without secrets. */
const rowsOf = async (tx: Tx, table: string, where: SQL): Promise<Rows> => {
  const result = (await tx.execute(sql`select to_jsonb(t) - ${SECRET_COLUMNS} as row from ${sql.raw(`members.${table}`)} t where ${where}`)) as {
    rows: { row: Record<string, unknown> }[];
  };
  return result.rows.map((r) => r.row);
};

/** How many rows a data-modifying statement (`… returning 1`) touched. */
const countOf = async (tx: Tx, statement: SQL): Promise<number> => {
  const result = (await tx.execute(sql`with changed as (${statement}) select count(*)::int as n from changed`)) as { rows: { n: number }[] };
  return result.rows[0]!.n;
};

const firstRow = async <T>(tx: Tx, query: SQL): Promise<T | null> => ((await tx.execute(query)) as { rows: T[] }).rows[0] ?? null;

/** The tables of one association, in the order they can be deleted (references first). */
const ASSOCIATION_TABLES = [
  'support_access_log',
  'support_sessions',
  'access_log',
  'refresh_tokens',
  'invitations',
  'api_keys',
  'import_jobs',
  'terms_acceptances',
  'terminations',
  'breach_notices',
  'committee_terms',
  'tenures',
  'committees',
  'members',
  'units',
  'buildings',
] as const;

/** What an association's erasure deletes, in its receipt's order. */
export const ASSOCIATION_ERASURE_TABLES = [
  ...ASSOCIATION_TABLES,
  'associations',
  'accounts',
  'email_changes',
  'password_setups',
  'operator_refresh_tokens',
] as const;

export interface ErasureLabels {
  /** Replaces the name of a board member who accepted the terms for the association. */
  formerBoardMember: (locale: string) => string;
}

/**
 * The only SQL of members' privacy routes (decision 0036). Accounts are reached only in system scope (a login may
 * belong to several associations), so these transactions are system-scoped and every statement on a tenant table
 * names the association first.
 */
export class PrivacyRepository {
  constructor(private readonly db: SubgraphDatabase) {}

  /** Everything about member `memberId` of the association, per table; empty tables for a member it does not have. */
  exportMember(tenant: string, memberId: string): Promise<Record<string, Rows>> {
    return this.db.system(async (tx) => {
      const person = await rowsOf(tx, 'members', sql`t.association_id = ${tenant} and t.id = ${memberId} and not t.tombstone`);
      const account = (person[0]?.account_id as string | null | undefined) ?? null;
      const member = person.length > 0 ? memberId : null;
      const of = (table: string, where: SQL) => rowsOf(tx, table, sql`t.association_id = ${tenant} and ${where}`);
      const ofAccount = (table: string) => rowsOf(tx, table, sql`t.account_id = ${account}`);
      return {
        members: person,
        tenures: await of('tenures', sql`t.member_id = ${member}`),
        committee_terms: await of('committee_terms', sql`t.member_id = ${member}`),
        invitations: await of('invitations', sql`t.member_id = ${member}`),
        refresh_tokens: await of('refresh_tokens', sql`t.member_id = ${member}`),
        access_log: await of('access_log', sql`t.subject_member_id = ${member}`),
        api_keys: await of('api_keys', sql`t.created_by_member_id = ${member}`),
        // Not the rejected lines nor a dry run's changes: they are about the people the import named.
        import_jobs: (await of('import_jobs', sql`t.created_by = ${member} and t.created_by_kind = 'member'`)).map(
          ({ rejected: _r, error: _e, changes: _c, ...job }) => job,
        ),
        terms_acceptances: await of('terms_acceptances', sql`t.recorded_by_member_id = ${member}`),
        terminations: await of('terminations', sql`t.requested_by = ${account}`),
        accounts: await rowsOf(tx, 'accounts', sql`t.id = ${account}`),
        email_changes: await ofAccount('email_changes'),
        password_setups: await ofAccount('password_setups'),
        operator_refresh_tokens: await ofAccount('operator_refresh_tokens'),
        support_sessions: await of('support_sessions', sql`t.account_id = ${account}`),
        breach_notices: await of('breach_notices', sql`t.noticed_by = ${account}`),
      };
    });
  }

  /**
   * Erases member `memberId` of the association in one transaction, and their account with its last membership
   * (never a platform operator's). `endSessions` is called with the ended session families before the commit, so
   * a failure to announce them rolls the erasure back and a retry does it all again. Null when there is no such
   * member (erased already, another association's, or the tombstone).
   */
  eraseMember(
    tenant: string,
    memberId: string,
    tombstoneId: string,
    labels: ErasureLabels,
    endSessions: (sessionIds: string[]) => Promise<void>,
  ): Promise<{ counts: Counts; accountKept: 'other-memberships' | 'operator' | null } | null> {
    return this.db.system(async (tx) => {
      const member = await firstRow<{ account_id: string | null; locale: string }>(
        tx,
        sql`select m.account_id, a.locale from members.members m join members.associations a on a.id = m.association_id
            where m.association_id = ${tenant} and m.id = ${memberId} and not m.tombstone for update of m`,
      );
      if (!member) return null;
      const tombstone = await firstRow(tx, sql`select 1 from members.members where association_id = ${tenant} and id = ${tombstoneId} and tombstone`);
      if (!tombstone) throw new TombstoneMismatch();
      await queuePortraitDeletions(tx, tenant, memberId);
      const account = member.account_id;
      // Locked before the membership goes, so two erasures of the same login's memberships count each other's.
      const login = account
        ? await firstRow<{ platform_admin: boolean }>(tx, sql`select platform_admin from members.accounts where id = ${account} for update`)
        : null;
      const inTenant = (table: string, where: SQL) => sql`delete from ${sql.raw(`members.${table}`)} where association_id = ${tenant} and ${where} returning 1`;
      const sessions = (await tx.execute(
        sql`delete from members.refresh_tokens where association_id = ${tenant} and member_id = ${memberId} returning family_id`,
      )) as { rows: { family_id: string }[] };
      const counts: Counts = { refresh_tokens: sessions.rows.length };
      counts.tenures = await countOf(tx, inTenant('tenures', sql`member_id = ${memberId}`));
      counts.committee_terms = await countOf(tx, inTenant('committee_terms', sql`member_id = ${memberId}`));
      counts.invitations =
        (await countOf(tx, inTenant('invitations', sql`member_id = ${memberId}`))) +
        (await countOf(
          tx,
          sql`update members.invitations set invited_by_member_id = null where association_id = ${tenant} and invited_by_member_id = ${memberId} returning 1`,
        ));
      counts.access_log = await countOf(tx, inTenant('access_log', sql`(subject_member_id = ${memberId} or viewer_member_id = ${memberId})`));
      counts.api_keys = await countOf(
        tx,
        sql`update members.api_keys set created_by_member_id = null where association_id = ${tenant} and created_by_member_id = ${memberId} returning 1`,
      );
      counts.import_jobs = await countOf(
        tx,
        sql`update members.import_jobs set created_by = ${tombstoneId} where association_id = ${tenant} and created_by = ${memberId}
            and created_by_kind = 'member' returning 1`,
      );
      // A dry run's list of changes names members by id (decision 0046): the person's entries go.
      counts.import_jobs += await countOf(
        tx,
        sql`update members.import_jobs
            set changes = coalesce((select jsonb_agg(e) from jsonb_array_elements(changes) e where e->>'memberId' is distinct from ${memberId}::text), '[]'::jsonb)
            where association_id = ${tenant} and changes @> jsonb_build_array(jsonb_build_object('memberId', ${memberId}::text)) returning 1`,
      );
      counts.terms_acceptances = await countOf(
        tx,
        sql`update members.terms_acceptances set recorded_by_member_id = ${tombstoneId}, recorded_by_account_id = null,
              accepted_by_name = ${labels.formerBoardMember(member.locale)}
            where association_id = ${tenant} and recorded_by_member_id = ${memberId} returning 1`,
      );
      counts.terminations = await countOf(
        tx,
        sql`update members.terminations set requested_by = null where association_id = ${tenant} and requested_by = ${account} returning 1`,
      );
      counts.support_sessions = await countOf(tx, sql`select 1 from members.support_sessions where association_id = ${tenant} and account_id = ${account}`);
      counts.breach_notices = await countOf(tx, sql`select 1 from members.breach_notices where association_id = ${tenant} and noticed_by = ${account}`);
      counts.members = await countOf(tx, inTenant('members', sql`id = ${memberId}`));
      const families = new Set(sessions.rows.map((row) => row.family_id));
      let accountKept: 'other-memberships' | 'operator' | null = null;
      if (account && login) {
        const others = await firstRow<{ n: number }>(tx, sql`select count(*)::int as n from members.members where account_id = ${account}`);
        if (login.platform_admin) accountKept = 'operator';
        else if (others!.n > 0) accountKept = 'other-memberships';
        else {
          Object.assign(counts, await this.deleteAccount(tx, account, families));
          // Events naming only the login (an e-mail change, with both addresses) go with it (decision 0052), in every
          // association it belonged to, this one and those it left before; the route clears those naming the member.
          await this.db.outbox.forgetPersonInEveryAssociation(tx, [account]);
          await this.db.deadLetters.forgetPersonInEveryAssociation(tx, [account]);
        }
      }
      await endSessions([...families]);
      return { counts, accountKept };
    });
  }

  /** The login with what hangs on it; records of other associations lose the link to it. */
  private async deleteAccount(tx: Tx, account: string, families: Set<string>): Promise<Counts> {
    const sessions = (await tx.execute(sql`delete from members.operator_refresh_tokens where account_id = ${account} returning family_id`)) as {
      rows: { family_id: string }[];
    };
    for (const row of sessions.rows) families.add(row.family_id);
    await tx.execute(sql`update members.terminations set requested_by = null where requested_by = ${account}`);
    await tx.execute(sql`update members.terms_acceptances set recorded_by_account_id = null where recorded_by_account_id = ${account}`);
    return {
      operator_refresh_tokens: sessions.rows.length,
      email_changes: await countOf(tx, sql`delete from members.email_changes where account_id = ${account} returning 1`),
      password_setups: await countOf(tx, sql`delete from members.password_setups where account_id = ${account} returning 1`),
      accounts: await countOf(tx, sql`delete from members.accounts where id = ${account} returning 1`),
    };
  }

  /** The association's "Former resident" member, made on first use; null when there is no such association. */
  tombstone(tenant: string, name: (locale: string) => string): Promise<string | null> {
    return this.db.tenant(tenant, async (tx) => {
      const association = await firstRow<{ locale: string }>(tx, sql`select locale from members.associations where id = ${tenant}`);
      if (!association) return null;
      // Two first asks at once: the unique index makes the second wait and then insert nothing.
      await tx.execute(
        sql`insert into members.members (association_id, id, display_name, tombstone)
            values (${tenant}, gen_random_uuid(), ${name(association.locale)}, true)
            on conflict (association_id) where tombstone do nothing`,
      );
      const row = await firstRow<{ id: string }>(tx, sql`select id from members.members where association_id = ${tenant} and tombstone`);
      return row!.id;
    });
  }

  /** Every row of the association in members' tables, the association's own row first. */
  exportAssociation(tenant: string): Promise<Record<string, Rows>> {
    return this.db.tenant(tenant, async (tx) => {
      const tables: Record<string, Rows> = { associations: await rowsOf(tx, 'associations', sql`t.id = ${tenant}`) };
      for (const table of [...ASSOCIATION_TABLES].reverse()) tables[table] = await rowsOf(tx, table, sql`t.association_id = ${tenant}`);
      return tables;
    });
  }

  /**
   * Deletes every row of a terminated association, its own row last, and the logins left without a membership
   * (platform operators' excepted). Null when there is no such association (deleted already); refuses one that is
   * not terminated with AssociationNotTerminated.
   */
  eraseAssociation(tenant: string, endSessions: (sessionIds: string[]) => Promise<void>): Promise<Counts | null> {
    return this.db.system(async (tx) => {
      const association = await firstRow<{ status: string }>(tx, sql`select status from members.associations where id = ${tenant} for update`);
      if (!association) return null;
      if (association.status !== 'terminated') throw new AssociationNotTerminated();
      await queuePortraitDeletions(tx, tenant, null);
      const families = new Set<string>();
      const sessions = (await tx.execute(sql`select family_id from members.refresh_tokens where association_id = ${tenant}`)) as {
        rows: { family_id: string }[];
      };
      for (const row of sessions.rows) families.add(row.family_id);
      const people = (await tx.execute(
        sql`select distinct account_id from members.members where association_id = ${tenant} and account_id is not null order by account_id`,
      )) as { rows: { account_id: string }[] };
      const logins = people.rows.map((row) => row.account_id);
      // Locked in one order, so erasures of two associations sharing people cannot deadlock.
      for (const account of logins) await tx.execute(sql`select 1 from members.accounts where id = ${account} for update`);
      const counts: Counts = {};
      for (const table of ASSOCIATION_TABLES) {
        counts[table] = await countOf(tx, sql`delete from ${sql.raw(`members.${table}`)} where association_id = ${tenant} returning 1`);
      }
      counts.associations = await countOf(tx, sql`delete from members.associations where id = ${tenant} returning 1`);
      const accounts: Counts = { accounts: 0, email_changes: 0, password_setups: 0, operator_refresh_tokens: 0 };
      for (const account of logins) {
        const left = await firstRow(
          tx,
          sql`select 1 from members.accounts a where a.id = ${account}
              and (a.platform_admin or exists (select 1 from members.members m where m.account_id = a.id))`,
        );
        if (left) continue;
        for (const [table, n] of Object.entries(await this.deleteAccount(tx, account, families))) accounts[table] = (accounts[table] ?? 0) + n;
      }
      await endSessions([...families]);
      return { ...counts, ...accounts };
    });
  }

  /** Members whose retention after moving out has run (see PRIVACY_MOVED_OUT_ROUTE), across associations. */
  async movedOut(request: PrivacyMovedOutRequest): Promise<PrivacyMovedOutAnswer['members']> {
    const cutoffs = JSON.stringify(request.cutoffs.map((c) => ({ association_id: c.associationId, cutoff: c.cutoff })));
    const after = request.after ? sql`and (m.association_id, m.id) > (${request.after.associationId}::uuid, ${request.after.memberId}::uuid)` : sql``;
    const result = (await this.db.system((tx) =>
      tx.execute(sql`
        with cut as (select * from jsonb_to_recordset(${cutoffs}::jsonb) as c(association_id uuid, cutoff date)),
        candidates as (
          select m.association_id, m.id, coalesce(cut.cutoff, ${request.defaultCutoff}::date) as cutoff
          from members.members m
          join members.associations a on a.id = m.association_id and a.status <> 'terminated'
          left join cut on cut.association_id = m.association_id
          where not m.tombstone and m.external_title is null ${after}
        )
        select c.association_id as "associationId", c.id as "memberId", max(t.move_out)::text as "movedOutOn"
        from candidates c
        join members.tenures t on t.association_id = c.association_id and t.member_id = c.id
        where not exists (
          select 1 from members.committee_terms ct
          where ct.association_id = c.association_id and ct.member_id = c.id and (ct.term_to is null or ct.term_to > c.cutoff)
        )
        group by c.association_id, c.id, c.cutoff
        having bool_and(t.move_out is not null and t.move_out <= c.cutoff)
        order by c.association_id, c.id
        limit ${request.limit}
      `),
    )) as { rows: PrivacyMovedOutAnswer['members'] };
    return result.rows;
  }
}

/** The erasure policy's tombstone is not this association's tombstone member. */
export class TombstoneMismatch extends Error {}
/** Only a terminated association's data is deleted whole. */
export class AssociationNotTerminated extends Error {}
