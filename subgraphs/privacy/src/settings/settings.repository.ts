import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { SubgraphDatabase, Tx } from '@tunet/kit';
import { settings, settingsChanges, type SettingsActor } from '../tables';
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

  /** Every association's own retention period (those without a row have the default), for the retention job. */
  retentionPeriods(): Promise<{ associationId: string; retentionMonths: number }[]> {
    return this.db.system((tx) => tx.select({ associationId: settings.associationId, retentionMonths: settings.retentionMonths }).from(settings));
  }

  /**
   * Applies `apply` to the settings as they are (row locked, or the defaults) and records the change with who made it,
   * in one transaction.
   */
  update(
    associationId: string,
    actor: { kind: SettingsActor; memberId: string | null },
    apply: (current: PrivacySettingsState) => PrivacySettingsState,
    now: Date,
  ): Promise<PrivacySettingsState> {
    return this.db.tenant(associationId, async (tx) => {
      const [locked] = await tx.select().from(settings).where(eq(settings.associationId, associationId)).for('update');
      const before = locked ? toState(locked) : defaultSettings(associationId);
      const next = apply(before);
      const values = {
        retentionMonths: next.retentionMonths,
        keepContent: next.keepContent,
        contactName: next.contact?.name ?? null,
        contactEmail: next.contact?.email ?? null,
        updatedAt: now,
        updatedBy: actor.memberId,
      };
      const [row] = await tx
        .insert(settings)
        .values({ associationId, ...values })
        .onConflictDoUpdate({ target: settings.associationId, set: values })
        .returning();
      const shown = (state: PrivacySettingsState) => ({ retentionMonths: state.retentionMonths, keepContent: state.keepContent, contact: state.contact });
      await tx.insert(settingsChanges).values({
        associationId,
        id: randomUUID(),
        at: now,
        actor: actor.kind,
        actorMemberId: actor.memberId,
        before: locked ? shown(before) : null,
        after: shown(next),
      });
      return toState(row!);
    });
  }
}
