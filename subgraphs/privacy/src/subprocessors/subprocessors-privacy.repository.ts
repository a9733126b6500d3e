import { sql } from 'drizzle-orm';
import { countOf, rowsOf } from '../privacy/privacy.repository';
import type { PrivacyPart } from '../privacy/privacy.routes';

/**
 * An objection names the board member who made it: exported, and on erasure the name is cut; the objection stays,
 * as the association's (not the person's) position towards the provider.
 */
export const subprocessorsPrivacyPart: PrivacyPart = {
  tables: ['subprocessor_objections'],
  export: async (tx, { associationId, memberId }) => ({
    subprocessor_objections: await rowsOf(
      tx,
      sql`select * from privacy.subprocessor_objections where association_id = ${associationId} and objected_by = ${memberId} order by objected_at`,
    ),
  }),
  erase: async (tx, { associationId, memberId }) => [
    {
      table: 'subprocessor_objections',
      action: 'anonymised',
      rows: await countOf(
        tx,
        sql`update privacy.subprocessor_objections set objected_by = null where association_id = ${associationId} and objected_by = ${memberId} returning 1`,
      ),
    },
  ],
};
