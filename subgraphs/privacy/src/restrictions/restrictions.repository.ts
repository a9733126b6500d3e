import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { SubgraphDatabase, Tx } from '@tunet/kit';
import { rowsOf } from '../privacy/privacy.repository';
import type { RestrictionRecord } from './restrictions.rules';

interface RestrictionRow {
  member_id: string;
  action: RestrictionRecord['action'];
  reason: string;
  actor: RestrictionRecord['actor'];
  at: Date | string;
}

const toChange = (row: RestrictionRow): RestrictionRecord => ({
  memberId: row.member_id,
  action: row.action,
  reason: row.reason,
  actor: row.actor,
  at: new Date(row.at),
});

/** The only SQL of restrictions of processing. */
export class RestrictionsRepository {
  constructor(private readonly db: SubgraphDatabase) {}

  /** A member's changes, newest first. */
  history(associationId: string, memberId: string): Promise<RestrictionRecord[]> {
    return this.db.tenant(associationId, (tx) => this.historyIn(tx, associationId, memberId));
  }

  async historyIn(tx: Tx, associationId: string, memberId: string): Promise<RestrictionRecord[]> {
    const rows = await rowsOf(
      tx,
      sql`
      select member_id, action, reason, actor, at from privacy.restrictions
      where association_id = ${associationId} and member_id = ${memberId} order by at desc, id desc limit 1000`,
    );
    return (rows as unknown as RestrictionRow[]).map(toChange);
  }

  /** The restrictions in force in the association (each member's latest change sets one), oldest first. */
  inForce(associationId: string): Promise<RestrictionRecord[]> {
    return this.db.tenant(associationId, async (tx) => {
      const rows = await rowsOf(
        tx,
        sql`
        select * from (
          select distinct on (member_id) member_id, action, reason, actor, at from privacy.restrictions
          where association_id = ${associationId} order by member_id, at desc, id desc
        ) latest where action = 'set' order by at`,
      );
      return (rows as unknown as RestrictionRow[]).map(toChange);
    });
  }

  /** Serialises changes of one member's restriction: the board and the person acting at once record one change. */
  async lockMember(tx: Tx, associationId: string, memberId: string): Promise<void> {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`privacy.restrictions.${associationId}.${memberId}`}))`);
  }

  async append(tx: Tx, associationId: string, change: Omit<RestrictionRecord, 'at'>, actorMemberId: string | null): Promise<void> {
    await tx.execute(sql`
      insert into privacy.restrictions (association_id, id, member_id, action, reason, actor, actor_member_id)
      values (${associationId}, ${randomUUID()}, ${change.memberId}, ${change.action}, ${change.reason}, ${change.actor}, ${actorMemberId})`);
  }
}
