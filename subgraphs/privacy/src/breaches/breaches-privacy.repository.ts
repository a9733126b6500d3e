import { sql } from 'drizzle-orm';
import { countOf, rowsOf } from '../privacy/privacy.repository';
import type { PrivacyPart } from '../privacy/privacy.routes';

/**
 * A breach notice names the board member who recorded the report to Datatilsynet: exported, and on erasure the name
 * is cut; the record stays, since the association must document its breaches (GDPR art. 33(5)).
 */
export const breachesPrivacyPart: PrivacyPart = {
  tables: ['breach_notices'],
  export: async (tx, { associationId, memberId }) => ({
    breach_notices: await rowsOf(
      tx,
      sql`select * from privacy.breach_notices where association_id = ${associationId} and authority_recorded_by = ${memberId} order by suspected_at`,
    ),
  }),
  erase: async (tx, { associationId, memberId }) => [
    {
      table: 'breach_notices',
      action: 'anonymised',
      rows: await countOf(
        tx,
        sql`update privacy.breach_notices set authority_recorded_by = null
            where association_id = ${associationId} and authority_recorded_by = ${memberId} returning 1`,
      ),
    },
  ],
};
