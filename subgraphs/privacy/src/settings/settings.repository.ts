import { eq } from 'drizzle-orm';
import type { SubgraphDatabase, Tx } from '@tunet/kit';
import { settings } from '../tables';
import { defaultSettings, type PrivacySettingsState } from './settings.rules';

export type SettingsRow = typeof settings.$inferSelect;

export function toState(row: SettingsRow): PrivacySettingsState {
  return {
    associationId: row.associationId,
    retentionMonths: row.retentionMonths,
    keepContent: row.keepContent,
    contact: row.contactName && row.contactEmail ? { name: row.contactName, email: row.contactEmail } : null,
    updatedAt: row.updatedAt,
  };
}

/** The association's settings in the caller's transaction, the defaults when it has no row. */
export async function settingsIn(tx: Tx, associationId: string): Promise<PrivacySettingsState> {
  const [row] = await tx.select().from(settings).where(eq(settings.associationId, associationId));
  return row ? toState(row) : defaultSettings(associationId);
}

export class SettingsRepository {
  constructor(private readonly db: SubgraphDatabase) {}

  get(associationId: string): Promise<PrivacySettingsState> {
    return this.db.tenant(associationId, (tx) => settingsIn(tx, associationId));
  }
}
