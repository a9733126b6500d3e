import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { PrivacyStates, SubgraphDatabase, Tx } from '@tunet/kit';
import { rowsOf } from '../privacy/privacy.repository';
import type { ConsentRecord } from './consents.rules';

interface ConsentRow {
  purpose_key: string;
  action: ConsentRecord['action'];
  text_version: number;
  origin: ConsentRecord['origin'];
  at: Date | string;
}

const toChange = (row: ConsentRow): ConsentRecord => ({
  purposeKey: row.purpose_key,
  action: row.action,
  textVersion: row.text_version,
  origin: row.origin,
  at: new Date(row.at),
});

/** The only SQL of consents, and of the states every subgraph reads (consents and restrictions together). */
export class ConsentsRepository {
  constructor(private readonly db: SubgraphDatabase) {}

  /** A person's history, newest first (bounded: a person deciding a thousand times is not a register). */
  history(associationId: string, memberId: string): Promise<ConsentRecord[]> {
    return this.db.tenant(associationId, (tx) => this.historyIn(tx, associationId, memberId));
  }

  async historyIn(tx: Tx, associationId: string, memberId: string): Promise<ConsentRecord[]> {
    const rows = await rowsOf(
      tx,
      sql`
      select purpose_key, action, text_version, origin, at from privacy.consents
      where association_id = ${associationId} and member_id = ${memberId}
      order by at desc, id desc limit 1000`,
    );
    return (rows as unknown as ConsentRow[]).map(toChange);
  }

  /** Serialises one person's changes: two taps on "withdraw" record one withdrawal. */
  async lockMember(tx: Tx, associationId: string, memberId: string): Promise<void> {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`privacy.consents.${associationId}.${memberId}`}))`);
  }

  async append(tx: Tx, associationId: string, memberId: string, change: Omit<ConsentRecord, 'at' | 'origin'>): Promise<void> {
    await tx.execute(sql`
      insert into privacy.consents (association_id, id, member_id, purpose_key, action, text_version)
      values (${associationId}, ${randomUUID()}, ${memberId}, ${change.purposeKey}, ${change.action}, ${change.textVersion})`);
  }

  /**
   * What every subgraph obeys for the association (kit privacy-states.ts): who is restricted since when, and each
   * person's consents in force (their latest change per purpose is a grant).
   */
  states(associationId: string): Promise<PrivacyStates> {
    return this.db.tenant(associationId, async (tx) => {
      const consents = await rowsOf(
        tx,
        sql`
        select member_id, array_agg(purpose_key order by purpose_key) as purposes from (
          select distinct on (member_id, purpose_key) member_id, purpose_key, action from privacy.consents
          where association_id = ${associationId}
          order by member_id, purpose_key, at desc, id desc
        ) latest where action = 'granted' group by member_id`,
      );
      const restricted = await rowsOf(
        tx,
        sql`
        select member_id, at from (
          select distinct on (member_id) member_id, action, at from privacy.restrictions
          where association_id = ${associationId}
          order by member_id, at desc, id desc
        ) latest where action = 'set'`,
      );
      return {
        associationId,
        consents: Object.fromEntries((consents as { member_id: string; purposes: string[] }[]).map((r) => [r.member_id, r.purposes])),
        restricted: Object.fromEntries((restricted as { member_id: string; at: Date | string }[]).map((r) => [r.member_id, new Date(r.at).toISOString()])),
      };
    });
  }
}
