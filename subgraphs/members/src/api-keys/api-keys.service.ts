import { randomUUID } from 'node:crypto';
import { hashApiKey, looksLikeApiKey, notFound, parseInput, type AssociationClosedStatus, type VerifiedApiKey, type Viewer } from '@tunet/kit';
import { z } from 'zod';
import { GRAPHQL_SCOPES, newApiKeySecret, scopeFromGraphQL } from './api-key-format';
import { requireApiKeyIssuer, requireApiKeyManager, requireApiKeyReader } from './api-keys.access';
import type { ApiKeyRow, ApiKeysRepository } from './api-keys.repository';

/** `lastUsedAt` is accurate to a minute: finer would cost a write on every verification. */
const LAST_USED_RESOLUTION_MS = 60_000;

const createInput = z.object({
  name: z.string().trim().min(1).max(100),
  scopes: z
    .array(z.enum(GRAPHQL_SCOPES).transform(scopeFromGraphQL))
    .min(1, 'give at least one scope')
    .transform((scopes) => [...new Set(scopes)]),
});
const revokeInput = z.object({ apiKeyId: z.guid() });

/**
 * The board hands integrations keys for its association. A key's secret exists only in the `createApiKey`
 * answer; Tunet keeps its hash, which is also how the gateway's verification finds it.
 */
export class ApiKeysService {
  constructor(private readonly repository: ApiKeysRepository) {}

  async list(viewer: Viewer | null, associationId: string): Promise<ApiKeyRow[]> {
    requireApiKeyReader(viewer, associationId);
    return this.repository.list(associationId);
  }

  async create(viewer: Viewer | null, raw: unknown): Promise<{ apiKey: ApiKeyRow; secret: string }> {
    const tenant = requireApiKeyIssuer(viewer);
    const input = parseInput(createInput, raw);
    const { secret, prefix } = newApiKeySecret();
    const apiKey = await this.repository.insert(tenant, {
      id: randomUUID(),
      name: input.name,
      prefix,
      keyHash: hashApiKey(secret),
      scopes: input.scopes,
      createdByMemberId: viewer?.memberId ?? null,
    });
    return { apiKey, secret };
  }

  /** Idempotent: revoking a revoked key answers it as it is. Another association's key is NOT_FOUND. */
  async revoke(viewer: Viewer | null, raw: unknown): Promise<ApiKeyRow> {
    const tenant = requireApiKeyManager(viewer);
    const revoked = await this.repository.revoke(tenant, parseInput(revokeInput, raw).apiKeyId, new Date());
    if (!revoked) throw notFound('API key');
    return revoked;
  }

  /**
   * For the gateway: whom a presented key acts for, or null when it is unknown or revoked. Records the use. A key of a
   * blocked or terminated association is refused with which (decision 0034), its use not recorded.
   */
  async verify(secret: string, now = new Date()): Promise<VerifiedApiKey | { closed: AssociationClosedStatus } | null> {
    if (!looksLikeApiKey(secret)) return null;
    const key = await this.repository.findActiveByHash(hashApiKey(secret));
    if (!key) return null;
    if (key.associationStatus !== 'active') return { closed: key.associationStatus };
    const notBefore = new Date(now.getTime() - LAST_USED_RESOLUTION_MS);
    if (!key.lastUsedAt || key.lastUsedAt < notBefore) await this.repository.recordUse(key.associationId, key.id, now, notBefore);
    return { apiKeyId: key.id, associationId: key.associationId, scopes: key.scopes };
  }
}
