import { sql, type SQL } from 'drizzle-orm';
import type { SubgraphDatabase, Tx } from '@tunet/kit';
import {
  eraseDeadlinesMember,
  eraseDeadlinesOfAssociation,
  exportDeadlinesOfAssociation,
  exportDeadlinesOfMember,
} from '../deadlines/deadlines-privacy.repository';
import {
  eraseMaintenanceMember,
  eraseMaintenanceOfAssociation,
  exportMaintenanceOfAssociation,
  exportMaintenanceOfMember,
} from '../maintenance/maintenance-privacy.repository';

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
      service_requests: [
        ...(await query(tx, sql`select * from operations.service_requests where association_id = ${a} and reporter_member_id = ${m} order by created_at, id`)),
        // Requests linked to a booking they made (addendum "links"): the link, not the reporter's name or words.
        ...(await query(
          tx,
          sql`select id, category, title, status, booking_id, booker_member_id, created_at from operations.service_requests
              where association_id = ${a} and booker_member_id = ${m} and reporter_member_id <> ${m} order by created_at, id`,
        )),
      ],
      // What they did to any request: their own status changes, with the reason they gave.
      service_request_status_changes: await query(
        tx,
        sql`select request_id, at, from_status, to_status, reason from operations.service_request_status_changes
            where association_id = ${a} and actor_member_id = ${m} order by at, id`,
      ),
      // Comments they wrote, of either kind; not the board's internal comments about their request (decision 0042).
      service_request_comments: await query(
        tx,
        sql`select request_id, visibility, body, created_at from operations.service_request_comments
            where association_id = ${a} and author_member_id = ${m} order by created_at, id`,
      ),
      service_request_ratings: await query(
        tx,
        sql`select request_id, score, comment, created_at from operations.service_request_ratings
            where association_id = ${a} and rater_member_id = ${m} order by created_at, request_id`,
      ),
      // That they engaged a supplier; the supplier's contact person is someone else's data and stays out.
      service_request_suppliers: await query(
        tx,
        sql`select request_id, name, engaged_at from operations.service_request_suppliers
            where association_id = ${a} and engaged_by_member_id = ${m} order by engaged_at, request_id`,
      ),
      ...(await exportMaintenanceOfMember(tx, a, m)),
      ...(await exportDeadlinesOfMember(tx, a, m)),
    }));
  }

  exportAssociation(a: string): Promise<Record<string, Row[]>> {
    return this.db.tenant(a, async (tx) => ({
      service_requests: await query(tx, sql`select * from operations.service_requests where association_id = ${a} order by created_at, id`),
      service_request_status_changes: await query(
        tx,
        sql`select * from operations.service_request_status_changes where association_id = ${a} order by request_id, at, id`,
      ),
      service_request_comments: await query(
        tx,
        sql`select * from operations.service_request_comments where association_id = ${a} order by request_id, created_at, id`,
      ),
      service_request_ratings: await query(tx, sql`select * from operations.service_request_ratings where association_id = ${a} order by request_id`),
      service_request_suppliers: await query(tx, sql`select * from operations.service_request_suppliers where association_id = ${a} order by request_id`),
      ...(await exportMaintenanceOfAssociation(tx, a)),
      ...(await exportDeadlinesOfAssociation(tx, a)),
    }));
  }

  /**
   * Erases the member in one tenant transaction: their requests stay, reported by the tombstone, with their words
   * unless `keepText`; the status changes they made no longer name them (and lose their reason unless `keepText`).
   * A second call finds nothing to change.
   */
  eraseMember(a: string, m: string, tombstone: string, keepText: boolean, keepComments: boolean): Promise<Record<string, number>> {
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
      // Decision 0042: requests assigned to them are theirs no more; comments they wrote stay with the tombstone when
      // the association keeps comments, else go; ratings keep their score for the tombstone, without the comment.
      const unassigned = await query(
        tx,
        sql`update operations.service_requests set assignee_member_id = null, assigned_at = null
            where association_id = ${a} and assignee_member_id = ${m} returning id`,
      );
      // Addendum "links": the link of a request to their booking named them, and goes (the request stays).
      const unbooked = await query(
        tx,
        sql`update operations.service_requests set booker_member_id = null, booking_id = null
            where association_id = ${a} and booker_member_id = ${m} returning id`,
      );
      const comments = keepComments
        ? await query(
            tx,
            sql`update operations.service_request_comments set author_member_id = ${tombstone}
                where association_id = ${a} and author_member_id = ${m} returning id`,
          )
        : await query(tx, sql`delete from operations.service_request_comments where association_id = ${a} and author_member_id = ${m} returning id`);
      const ratings = await query(
        tx,
        sql`update operations.service_request_ratings set rater_member_id = ${tombstone}, comment = case when ${keepComments} then comment else null end
            where association_id = ${a} and rater_member_id = ${m} returning request_id`,
      );
      const suppliers = await query(
        tx,
        sql`update operations.service_request_suppliers set engaged_by_member_id = null
            where association_id = ${a} and engaged_by_member_id = ${m} returning request_id`,
      );
      const maintenance = await eraseMaintenanceMember(tx, a, m, keepText);
      const deadlines = await eraseDeadlinesMember(tx, a, m);
      return {
        ...maintenance,
        ...deadlines,
        service_requests: requests.length + unassigned.length + unbooked.length,
        service_request_status_changes: changes.length,
        service_request_comments: comments.length,
        service_request_ratings: ratings.length,
        service_request_suppliers: suppliers.length,
      };
    });
  }

  /** Deletes everything of a terminated association (the status changes go with their requests). */
  eraseAssociation(a: string): Promise<Record<string, number>> {
    return this.db.tenant(a, async (tx) => {
      const changes = await query(tx, sql`delete from operations.service_request_status_changes where association_id = ${a} returning id`);
      const comments = await query(tx, sql`delete from operations.service_request_comments where association_id = ${a} returning id`);
      const ratings = await query(tx, sql`delete from operations.service_request_ratings where association_id = ${a} returning request_id`);
      const suppliers = await query(tx, sql`delete from operations.service_request_suppliers where association_id = ${a} returning request_id`);
      const requests = await query(tx, sql`delete from operations.service_requests where association_id = ${a} returning id`);
      const maintenance = await eraseMaintenanceOfAssociation(tx, a);
      const deadlines = await eraseDeadlinesOfAssociation(tx, a);
      return {
        ...maintenance,
        ...deadlines,
        service_requests: requests.length,
        service_request_status_changes: changes.length,
        service_request_comments: comments.length,
        service_request_ratings: ratings.length,
        service_request_suppliers: suppliers.length,
      };
    });
  }
}
