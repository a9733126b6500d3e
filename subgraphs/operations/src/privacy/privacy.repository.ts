import { sql, type SQL } from 'drizzle-orm';
import type { SubgraphDatabase, Tx } from '@tunet/kit';

type Row = Record<string, unknown>;

/** What stands in for a reporter's words once they are erased and the association keeps no posts. */
export const ERASED_TITLE = 'Slettet / Erased';
export const ERASED_DESCRIPTION = 'Teksten ble slettet med personen som meldte feilen. / The text was erased with the person who reported it.';

async function query<R = Row>(tx: Tx, statement: SQL): Promise<R[]> {
  const result: unknown = await tx.execute(statement);
  return (result as { rows: R[] }).rows;
}

/** The only SQL of the privacy routes: what operations holds about a member or an association, and its erasure. */
export class PrivacyRepository {
  constructor(private readonly db: SubgraphDatabase) {}

  exportMember(a: string, m: string): Promise<Record<string, Row[]>> {
    return this.db.tenant(a, async (tx) => ({
      service_requests: await query(
        tx,
        sql`select * from operations.service_requests where association_id = ${a} and reporter_member_id = ${m} order by created_at, id`,
      ),
      // What they did to any request: their own status changes, with the reason they gave.
      service_request_status_changes: await query(
        tx,
        sql`select request_id, at, from_status, to_status, reason from operations.service_request_status_changes
            where association_id = ${a} and actor_member_id = ${m} order by at, id`,
      ),
    }));
  }

  exportAssociation(a: string): Promise<Record<string, Row[]>> {
    return this.db.tenant(a, async (tx) => ({
      service_requests: await query(tx, sql`select * from operations.service_requests where association_id = ${a} order by created_at, id`),
      service_request_status_changes: await query(
        tx,
        sql`select * from operations.service_request_status_changes where association_id = ${a} order by request_id, at, id`,
      ),
    }));
  }

  /**
   * Erases the member in one tenant transaction: their requests stay, reported by the tombstone, with their words
   * unless `keepText`; the status changes they made no longer name them (and lose their reason unless `keepText`).
   * A second call finds nothing to change.
   */
  eraseMember(a: string, m: string, tombstone: string, keepText: boolean): Promise<Record<string, number>> {
    return this.db.tenant(a, async (tx) => {
      const requests = keepText
        ? await query(
            tx,
            sql`update operations.service_requests set reporter_member_id = ${tombstone}
                where association_id = ${a} and reporter_member_id = ${m} returning id`,
          )
        : await query(
            tx,
            sql`update operations.service_requests set reporter_member_id = ${tombstone}, title = ${ERASED_TITLE}, description = ${ERASED_DESCRIPTION}
                where association_id = ${a} and reporter_member_id = ${m} returning id`,
          );
      const changes = await query(
        tx,
        sql`update operations.service_request_status_changes
            set actor_member_id = null, reason = case when ${keepText} then reason else null end
            where association_id = ${a} and actor_member_id = ${m} returning id`,
      );
      return { service_requests: requests.length, service_request_status_changes: changes.length };
    });
  }

  /** Deletes everything of a terminated association (the status changes go with their requests). */
  eraseAssociation(a: string): Promise<Record<string, number>> {
    return this.db.tenant(a, async (tx) => {
      const changes = await query(tx, sql`delete from operations.service_request_status_changes where association_id = ${a} returning id`);
      const requests = await query(tx, sql`delete from operations.service_requests where association_id = ${a} returning id`);
      return { service_requests: requests.length, service_request_status_changes: changes.length };
    });
  }
}
