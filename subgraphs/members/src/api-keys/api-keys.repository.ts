import type { SubgraphDatabase } from '@tunet/kit';
import { and, desc, eq, isNull, lt, or, sql } from 'drizzle-orm';
import type { AssociationRow } from '../members/members.repository';
import { apiKeys, associations } from '../tables';

export type ApiKeyRow = typeof apiKeys.$inferSelect;
export type NewApiKey = Omit<typeof apiKeys.$inferInsert, 'associationId'>;

/** The only code that reads or writes API keys. */
export class ApiKeysRepository {
  constructor(private readonly db: SubgraphDatabase) {}

  list(tenant: string): Promise<ApiKeyRow[]> {
    return this.db.tenant(tenant, (tx) => tx.select().from(apiKeys).where(eq(apiKeys.associationId, tenant)).orderBy(desc(apiKeys.createdAt)));
  }

  async insert(tenant: string, key: NewApiKey): Promise<ApiKeyRow> {
    const [row] = await this.db.tenant(tenant, (tx) =>
      tx
        .insert(apiKeys)
        .values({ ...key, associationId: tenant })
        .returning(),
    );
    return row!;
  }

  /** Revokes once: a key already revoked keeps its original time. Null when the association has no such key. */
  async revoke(tenant: string, id: string, now: Date): Promise<ApiKeyRow | null> {
    const [row] = await this.db.tenant(tenant, (tx) =>
      tx
        .update(apiKeys)
        .set({ revokedAt: sql`coalesce(${apiKeys.revokedAt}, ${now.toISOString()}::timestamptz)` })
        .where(and(eq(apiKeys.associationId, tenant), eq(apiKeys.id, id)))
        .returning(),
    );
    return row ?? null;
  }

  /**
   * System scope, audited: an integration presents nothing but its key, so no tenant is known until the key is
   * found. The hash names at most one row (unique index), and only the key's own row is read.
   */
  async findActiveByHash(keyHash: string): Promise<(ApiKeyRow & { associationStatus: AssociationRow['status'] }) | null> {
    const [row] = await this.db.system((tx) =>
      tx
        .select({ key: apiKeys, associationStatus: associations.status })
        .from(apiKeys)
        .innerJoin(associations, eq(associations.id, apiKeys.associationId))
        .where(and(eq(apiKeys.keyHash, keyHash), isNull(apiKeys.revokedAt))),
    );
    return row ? { ...row.key, associationStatus: row.associationStatus } : null;
  }

  /** Records a use unless one was recorded since `notBefore`; the condition keeps concurrent verifications to one write. */
  async recordUse(tenant: string, id: string, now: Date, notBefore: Date): Promise<void> {
    await this.db.tenant(tenant, (tx) =>
      tx
        .update(apiKeys)
        .set({ lastUsedAt: now })
        .where(and(eq(apiKeys.associationId, tenant), eq(apiKeys.id, id), or(isNull(apiKeys.lastUsedAt), lt(apiKeys.lastUsedAt, notBefore)))),
    );
  }
}
