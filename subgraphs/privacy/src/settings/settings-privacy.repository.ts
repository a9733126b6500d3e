import { sql } from 'drizzle-orm';
import { countOf, rowsOf } from '../privacy/privacy.repository';
import type { PrivacyPart } from '../privacy/privacy.routes';

/**
 * The settings name the board member who changed them: exported, and on erasure the name is cut (the change itself
 * stays, as the association's record of how its settings came to be).
 */
export const settingsPrivacyPart: PrivacyPart = {
  tables: ['settings', 'settings_changes'],
  export: async (tx, { associationId, memberId }) => ({
    settings: await rowsOf(tx, sql`select * from privacy.settings where association_id = ${associationId} and updated_by = ${memberId}`),
    settings_changes: await rowsOf(
      tx,
      sql`select * from privacy.settings_changes where association_id = ${associationId} and actor_member_id = ${memberId} order by at`,
    ),
  }),
  erase: async (tx, { associationId, memberId }) => [
    {
      table: 'settings',
      action: 'anonymised',
      rows: await countOf(
        tx,
        sql`update privacy.settings set updated_by = null where association_id = ${associationId} and updated_by = ${memberId} returning 1`,
      ),
    },
    {
      table: 'settings_changes',
      action: 'anonymised',
      rows: await countOf(
        tx,
        sql`update privacy.settings_changes set actor_member_id = null
            where association_id = ${associationId} and actor_member_id = ${memberId} returning 1`,
      ),
    },
  ],
};
