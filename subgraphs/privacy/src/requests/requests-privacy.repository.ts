import { sql } from 'drizzle-orm';
import { countOf, rowsOf } from '../privacy/privacy.repository';
import type { PrivacyPart } from '../privacy/privacy.routes';

/**
 * The person's data-subject requests: exported; on erasure kept, as the association's proof that it answered them
 * (GDPR art. 5(2)), naming only member ids that no longer lead to anyone.
 */
export const requestsPrivacyPart: PrivacyPart = {
  tables: ['requests'],
  export: async (tx, { associationId, memberId }) => ({
    requests: await rowsOf(
      tx,
      sql`select id, kind, subject_member_id, requested_by, reason, status, received_at, deadline, extension_months, extension_reason, completed_at
          from privacy.requests where association_id = ${associationId} and (subject_member_id = ${memberId} or requested_by = ${memberId})
          order by received_at`,
    ),
  }),
  erase: async (tx, { associationId, memberId }) => [
    {
      table: 'requests',
      action: 'kept',
      rows: await countOf(
        tx,
        sql`select 1 from privacy.requests where association_id = ${associationId} and (subject_member_id = ${memberId} or requested_by = ${memberId})`,
      ),
      keptUntil: null,
      note: 'Kept as proof that the request was answered, for 3 years after it was completed (GDPR art. 5(2)).',
    },
  ],
};
