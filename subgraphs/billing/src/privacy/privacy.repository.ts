import type { SubgraphDatabase, Tx } from '@tunet/kit';
import { sql, type SQL } from 'drizzle-orm';

export type Rows = Record<string, unknown>[];

/** The accounts named in an audit entry's snapshots of a subscription (`before` and `after`). */
const SNAPSHOT_ACCOUNT_KEYS = ['createdBy', 'cancelledBy'] as const;

const rowsOf = async (tx: Tx, query: SQL): Promise<Rows> => ((await tx.execute(query)) as { rows: Rows }).rows;
const uuids = (ids: readonly string[]) => sql`${sql.param([...ids])}::uuid[]`;
const idsOf = (rows: Rows) => rows.map((row) => String(row.id));

export interface AssociationErasure {
  auditErased: number;
  subscriptionsErased: number;
  /** Subscriptions an invoice refers to: kept with the invoices, without who started or cancelled them. */
  subscriptionsKept: number;
  invoicesKept: number;
  /** The last day an invoice must be kept (the latest fiscal year's end plus five years); null without invoices. */
  invoicesKeptUntil: string | null;
}

/**
 * The only SQL of billing's privacy routes (docs/decisions/0036), in the association's tenant scope: a member id of
 * another association finds nothing. A member acts in billing through their account; the accounts are those the
 * audit log names with the member in this association.
 */
export class PrivacyRepository {
  constructor(private readonly db: SubgraphDatabase) {}

  exportMember(associationId: string, memberId: string): Promise<Record<string, Rows>> {
    return this.db.tenant(associationId, async (tx) => {
      const accounts = await accountsOf(tx, associationId, memberId);
      return {
        audit_log: await rowsOf(tx, sql`select * from billing.audit_log where association_id = ${associationId} and actor_member_id = ${memberId} order by at`),
        subscriptions: await rowsOf(
          tx,
          sql`select * from billing.subscriptions where association_id = ${associationId}
              and (created_by = any(${uuids(accounts)}) or cancelled_by = any(${uuids(accounts)})) order by created_at`,
        ),
        // Invoices are to the association; none names a resident.
        invoices: [],
      };
    });
  }

  /**
   * Removes the person from the association's billing records in one transaction: audit entries they made lose the
   * actor's ids (and say they were erased), the snapshots lose their account, subscriptions they started or
   * cancelled no longer say so. A second call finds nothing: the member id is gone from the audit log.
   */
  eraseMember(associationId: string, memberId: string): Promise<{ audit_log: number; subscriptions: number }> {
    return this.db.tenant(associationId, async (tx) => {
      const accounts = await accountsOf(tx, associationId, memberId);
      const audited = new Set(
        idsOf(
          await rowsOf(
            tx,
            sql`update billing.audit_log set actor_account_id = null, actor_member_id = null, actor_erased_at = now()
                where association_id = ${associationId} and actor_member_id = ${memberId} returning id`,
          ),
        ),
      );
      const subscriptions = new Set<string>();
      if (accounts.length > 0) {
        for (const key of SNAPSHOT_ACCOUNT_KEYS) {
          for (const column of ['before', 'after'] as const) {
            const named = await rowsOf(
              tx,
              sql`update billing.audit_log set ${sql.identifier(column)} = jsonb_set(${sql.identifier(column)}, ${`{${key}}`}::text[], 'null'::jsonb)
                  where association_id = ${associationId} and ${sql.identifier(column)}->>${key} = any(${sql.param(accounts)}::text[]) returning id`,
            );
            for (const id of idsOf(named)) audited.add(id);
          }
        }
        for (const column of ['created_by', 'cancelled_by'] as const) {
          const named = await rowsOf(
            tx,
            sql`update billing.subscriptions set ${sql.identifier(column)} = null
                where association_id = ${associationId} and ${sql.identifier(column)} = any(${uuids(accounts)}) returning id`,
          );
          for (const id of idsOf(named)) subscriptions.add(id);
        }
      }
      return { audit_log: audited.size, subscriptions: subscriptions.size };
    });
  }

  exportAssociation(associationId: string): Promise<Record<string, Rows>> {
    return this.db.tenant(associationId, async (tx) => ({
      audit_log: await rowsOf(tx, sql`select * from billing.audit_log where association_id = ${associationId} order by at`),
      subscriptions: await rowsOf(tx, sql`select * from billing.subscriptions where association_id = ${associationId} order by created_at`),
      invoices: await rowsOf(tx, sql`select * from billing.invoices where association_id = ${associationId} order by issued_on`),
    }));
  }

  /**
   * A terminated association's billing: the audit log and the subscriptions no invoice refers to are deleted;
   * invoices and their subscriptions are kept for the bookkeeping law, stripped of everything else it does not ask
   * for (who started or cancelled, the operator's note on a payment).
   */
  eraseAssociation(associationId: string): Promise<AssociationErasure> {
    return this.db.tenant(associationId, async (tx) => {
      const audit = await rowsOf(tx, sql`delete from billing.audit_log where association_id = ${associationId} returning id`);
      const unbilled = await rowsOf(
        tx,
        sql`delete from billing.subscriptions s where s.association_id = ${associationId}
            and not exists (select 1 from billing.invoices i where i.association_id = s.association_id and i.subscription_id = s.id) returning id`,
      );
      await tx.execute(
        sql`update billing.subscriptions set created_by = null, cancelled_by = null
            where association_id = ${associationId} and (created_by is not null or cancelled_by is not null)`,
      );
      await tx.execute(sql`update billing.invoices set marked_paid_note = null where association_id = ${associationId} and marked_paid_note is not null`);
      const [kept] = await rowsOf(
        tx,
        sql`select (select count(*) from billing.subscriptions where association_id = ${associationId})::int as subscriptions,
                   count(*)::int as invoices, max(extract(year from issued_on))::int as last_year
            from billing.invoices where association_id = ${associationId}`,
      );
      const lastYear = kept?.last_year as number | null | undefined;
      return {
        auditErased: audit.length,
        subscriptionsErased: unbilled.length,
        subscriptionsKept: Number(kept?.subscriptions ?? 0),
        invoicesKept: Number(kept?.invoices ?? 0),
        invoicesKeptUntil: lastYear ? `${lastYear + 5}-12-31` : null,
      };
    });
  }
}

/** The retention job's name in billing.retention_runs. */
export const INVOICES_PURGE = 'invoices-purge';

/**
 * Billing's retention (bokføringsloven § 13): invoices are kept five years after the end of the fiscal (calendar)
 * year they were issued in, so on `today` those issued before 1 January five years back are deleted, across
 * associations, with the add-ons that ended and no longer have an invoice. A second pass the same day finds nothing.
 */
export async function purgeExpiredInvoices(db: SubgraphDatabase, today: string): Promise<{ invoices: number; subscriptions: number }> {
  return db.system(async (tx) => {
    const cutoff = sql`make_date(extract(year from ${today}::date)::int - 5, 1, 1)`;
    const invoices = await rowsOf(tx, sql`delete from billing.invoices where issued_on < ${cutoff} returning subscription_id`);
    const subscriptions = await rowsOf(
      tx,
      sql`delete from billing.subscriptions s where s.status = 'cancelled' and s.ended_at < ${cutoff}
          and not exists (select 1 from billing.invoices i where i.association_id = s.association_id and i.subscription_id = s.id) returning id`,
    );
    return { invoices: invoices.length, subscriptions: subscriptions.length };
  });
}

/** The accounts through which the member acted in the association's billing, as its audit log names them. */
async function accountsOf(tx: Tx, associationId: string, memberId: string): Promise<string[]> {
  const rows = await rowsOf(
    tx,
    sql`select distinct actor_account_id as id from billing.audit_log
        where association_id = ${associationId} and actor_member_id = ${memberId} and actor_account_id is not null`,
  );
  return idsOf(rows);
}
