import { randomUUID } from 'node:crypto';
import type { SubgraphDatabase } from '@tunet/kit';
import { erasedMemberHash } from '../privacy/erased-member-hash';
import { refuseErased } from '../privacy/erased-recipients.repository';
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Category, Channel } from '../model';
import { erasedRecipients, personSettings, preferenceLog, preferences } from '../tables';
import type { ChannelChange, PreferenceOverrides } from './preferences.rules';

export type SettingsRow = typeof personSettings.$inferSelect;
export type SettingsPatch = Partial<Pick<SettingsRow, 'locale' | 'timeZone' | 'quietHoursStart' | 'quietHoursEnd' | 'emailDigest' | 'digestHour'>>;
/** How a change was made: in the app, by opening an e-mail's unsubscribe link, or by a mail client's one-click. */
export type ChangeVia = 'app' | 'unsubscribe_link' | 'one_click';

/** The settings of someone who never changed any: the association's time zone where it is known, else Tunet's. */
export function defaultSettings(associationId: string, memberId: string, timeZone = 'Europe/Oslo'): SettingsRow {
  return {
    associationId,
    memberId,
    locale: null,
    timeZone,
    quietHoursStart: null,
    quietHoursEnd: null,
    emailDigest: false,
    digestHour: 7,
    updatedAt: new Date(0),
  };
}

/** The only code that reads or writes preferences and person settings. Every call names its tenant. */
export class PreferencesRepository {
  constructor(private readonly db: SubgraphDatabase) {}

  /**
   * Whether the member was erased here (docs/decisions/0036). Unsubscribe links are stateless, so an erased person's
   * links would otherwise still write choices under their id; only a hash of the ids is kept to refuse them.
   */
  async isErased(tenant: string, memberId: string): Promise<boolean> {
    const rows = await this.db.tenant(tenant, (tx) =>
      tx
        .select({ at: erasedRecipients.erasedAt })
        .from(erasedRecipients)
        .where(and(eq(erasedRecipients.associationId, tenant), eq(erasedRecipients.memberHash, erasedMemberHash(tenant, memberId))))
        .limit(1),
    );
    return rows.length > 0;
  }

  /** Each member's overrides (an empty map for those with none), in one statement whatever the number of members. */
  async overridesOf(tenant: string, memberIds: readonly string[]): Promise<Map<string, PreferenceOverrides>> {
    const result = new Map<string, Map<`${Category}:${Channel}`, boolean>>(memberIds.map((id) => [id, new Map()]));
    if (memberIds.length === 0) return result;
    const rows = await this.db.tenant(tenant, (tx) =>
      tx
        .select()
        .from(preferences)
        .where(and(eq(preferences.associationId, tenant), inArray(preferences.memberId, [...memberIds]))),
    );
    for (const row of rows) result.get(row.memberId)?.set(`${row.category}:${row.channel}`, row.enabled);
    return result;
  }

  /** Each member's settings, the defaults (in `timeZone`, the association's) for those with no row, in one statement. */
  async settingsOf(tenant: string, memberIds: readonly string[], timeZone?: string): Promise<Map<string, SettingsRow>> {
    const result = new Map(memberIds.map((id) => [id, defaultSettings(tenant, id, timeZone)]));
    if (memberIds.length === 0) return result;
    const rows = await this.db.tenant(tenant, (tx) =>
      tx
        .select()
        .from(personSettings)
        .where(and(eq(personSettings.associationId, tenant), inArray(personSettings.memberId, [...memberIds]))),
    );
    for (const row of rows) result.set(row.memberId, row);
    return result;
  }

  /**
   * Applies channel changes and a settings patch in one transaction, logging what changed and how. `check` sees the
   * overrides as they are inside the transaction (the member's row locked), so two changes at once cannot together
   * turn off a category that must stay on; it throws to refuse, and nothing is written. A person's first change
   * writes their settings row with `firstRow` (the association's time zone, which quiet hours and digests then use).
   */
  async change(
    tenant: string,
    memberId: string,
    changes: readonly ChannelChange[],
    patch: SettingsPatch,
    via: ChangeVia,
    check: (current: PreferenceOverrides) => void,
    firstRow: Partial<Pick<SettingsRow, 'timeZone'>> = {},
  ): Promise<void> {
    await this.db.tenant(tenant, async (tx) => {
      await refuseErased(tx, tenant, memberId);
      await tx
        .insert(personSettings)
        .values({ associationId: tenant, memberId, ...firstRow })
        .onConflictDoNothing();
      await tx
        .select({ memberId: personSettings.memberId })
        .from(personSettings)
        .where(and(eq(personSettings.associationId, tenant), eq(personSettings.memberId, memberId)))
        .for('update');
      const rows = await tx
        .select()
        .from(preferences)
        .where(and(eq(preferences.associationId, tenant), eq(preferences.memberId, memberId)));
      check(new Map(rows.map((row) => [`${row.category}:${row.channel}` as const, row.enabled])));
      for (const change of changes) {
        await tx
          .insert(preferences)
          .values({ associationId: tenant, memberId, ...change })
          .onConflictDoUpdate({
            target: [preferences.associationId, preferences.memberId, preferences.category, preferences.channel],
            set: { enabled: change.enabled, updatedAt: sql`now()` },
          });
      }
      if (Object.keys(patch).length > 0) {
        await tx
          .update(personSettings)
          .set({ ...patch, updatedAt: sql`now()` })
          .where(and(eq(personSettings.associationId, tenant), eq(personSettings.memberId, memberId)));
      }
      await tx.insert(preferenceLog).values({ associationId: tenant, id: randomUUID(), memberId, via, change: { channels: changes, settings: patch } });
    });
  }
}
