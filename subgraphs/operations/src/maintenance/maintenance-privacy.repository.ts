import { sql, type SQL } from 'drizzle-orm';
import type { Tx } from '@tunet/kit';

type Row = Record<string, unknown>;

async function query<R = Row>(tx: Tx, statement: SQL): Promise<R[]> {
  const result: unknown = await tx.execute(statement);
  return (result as { rows: R[] }).rows;
}

/**
 * The maintenance plan's part of the privacy routes (decision 0043), run inside the privacy repository's tenant
 * transaction. A completed round is the association's record that the building was looked after (internkontroll):
 * an erasure keeps it without the person's name.
 */

/** The tasks a member is responsible for or made, and the rounds they completed. */
export async function exportMaintenanceOfMember(tx: Tx, a: string, m: string): Promise<Record<string, Row[]>> {
  return {
    maintenance_tasks: await query(
      tx,
      sql`select id, title, description, recurrence, responsible_member_id = ${m} as responsible, created_by_member_id = ${m} as created, created_at
          from operations.maintenance_tasks
          where association_id = ${a} and (responsible_member_id = ${m} or created_by_member_id = ${m}) order by created_at, id`,
    ),
    maintenance_occurrences: await query(
      tx,
      sql`select task_id, due_at, completed_at, answers, note from operations.maintenance_occurrences
          where association_id = ${a} and completed_by_member_id = ${m} order by completed_at, id`,
    ),
  };
}

export async function exportMaintenanceOfAssociation(tx: Tx, a: string): Promise<Record<string, Row[]>> {
  return {
    maintenance_tasks: await query(tx, sql`select * from operations.maintenance_tasks where association_id = ${a} order by created_at, id`),
    maintenance_occurrences: await query(tx, sql`select * from operations.maintenance_occurrences where association_id = ${a} order by task_id, seq, id`),
  };
}

/**
 * Takes the member off the plan: tasks they were responsible for go back to the board, tasks they made no longer
 * name them, rounds they completed stay without their name (and without their notes unless the association keeps
 * what people write).
 */
export async function eraseMaintenanceMember(tx: Tx, a: string, m: string, keepText: boolean): Promise<Record<string, number>> {
  const tasks = await query(
    tx,
    sql`update operations.maintenance_tasks
        set responsible_member_id = case when responsible_member_id = ${m} then null else responsible_member_id end,
            created_by_member_id = case when created_by_member_id = ${m} then null else created_by_member_id end
        where association_id = ${a} and (responsible_member_id = ${m} or created_by_member_id = ${m}) returning id`,
  );
  const rounds = await query(
    tx,
    sql`update operations.maintenance_occurrences
        set completed_by_member_id = null,
            note = case when ${keepText} then note else null end,
            answers = case when ${keepText} then answers else coalesce(
              (select jsonb_agg(jsonb_set(answer, '{note}', 'null'::jsonb) order by position) from jsonb_array_elements(answers) with ordinality as e(answer, position)),
              '[]'::jsonb) end
        where association_id = ${a} and completed_by_member_id = ${m} returning id`,
  );
  return { maintenance_tasks: tasks.length, maintenance_occurrences: rounds.length };
}

/** Deletes the association's plan (the rounds go with their tasks). */
export async function eraseMaintenanceOfAssociation(tx: Tx, a: string): Promise<Record<string, number>> {
  const rounds = await query(tx, sql`delete from operations.maintenance_occurrences where association_id = ${a} returning id`);
  const tasks = await query(tx, sql`delete from operations.maintenance_tasks where association_id = ${a} returning id`);
  return { maintenance_tasks: tasks.length, maintenance_occurrences: rounds.length };
}
