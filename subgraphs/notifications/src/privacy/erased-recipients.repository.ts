import { forbidden, type Tx } from '@tunet/kit';
import { sql } from 'drizzle-orm';
import { erasedMemberHash } from './erased-member-hash';

/**
 * Which of the members were erased here (docs/decisions/0036), inside the caller's transaction. An event in flight
 * or the members directory's cache can still name an erased person after privacy/erase: nothing new may be stored
 * about them.
 */
export async function erasedAmong(tx: Tx, tenant: string, memberIds: readonly string[]): Promise<Set<string>> {
  if (memberIds.length === 0) return new Set();
  const byHash = new Map(memberIds.map((id) => [erasedMemberHash(tenant, id), id]));
  const result = await tx.execute(
    sql`select member_hash from notifications.erased_recipients where association_id = ${tenant} and member_hash = any(${sql.param([...byHash.keys()])}::text[])`,
  );
  return new Set((result as { rows: { member_hash: string }[] }).rows.map((row) => byHash.get(row.member_hash)!));
}

/** Refuses a change (a push device, a preference) for a member erased here; their session has ended or is about to. */
export async function refuseErased(tx: Tx, tenant: string, memberId: string): Promise<void> {
  if ((await erasedAmong(tx, tenant, [memberId])).size > 0) throw forbidden('Your data in this association has been erased.');
}
