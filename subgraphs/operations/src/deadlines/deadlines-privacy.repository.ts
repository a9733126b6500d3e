import { sql, type SQL } from 'drizzle-orm';
import type { Tx } from '@tunet/kit';

type Row = Record<string, unknown>;

async function query<R = Row>(tx: Tx, statement: SQL): Promise<R[]> {
  const result: unknown = await tx.execute(statement);
  return (result as { rows: R[] }).rows;
}

/**
 * The deadline settings' part of the privacy routes (decision 0043), inside the privacy repository's tenant
 * transaction: a setting names the board member who made it, and keeps applying without the name once they are erased.
 */
export async function exportDeadlinesOfMember(tx: Tx, a: string, m: string): Promise<Record<string, Row[]>> {
  return {
    service_request_deadline_settings: await query(
      tx,
      sql`select category, urgency, response_hours, resolution_hours, updated_at from operations.service_request_deadline_settings
          where association_id = ${a} and updated_by_member_id = ${m} order by category, urgency`,
    ),
  };
}

export async function exportDeadlinesOfAssociation(tx: Tx, a: string): Promise<Record<string, Row[]>> {
  return {
    service_request_deadline_settings: await query(
      tx,
      sql`select * from operations.service_request_deadline_settings where association_id = ${a} order by category, urgency`,
    ),
  };
}

export async function eraseDeadlinesMember(tx: Tx, a: string, m: string): Promise<Record<string, number>> {
  const rows = await query(
    tx,
    sql`update operations.service_request_deadline_settings set updated_by_member_id = null
        where association_id = ${a} and updated_by_member_id = ${m} returning category`,
  );
  return { service_request_deadline_settings: rows.length };
}

export async function eraseDeadlinesOfAssociation(tx: Tx, a: string): Promise<Record<string, number>> {
  const rows = await query(tx, sql`delete from operations.service_request_deadline_settings where association_id = ${a} returning category`);
  return { service_request_deadline_settings: rows.length };
}
