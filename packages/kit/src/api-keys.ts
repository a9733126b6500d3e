import { createHash } from 'node:crypto';
import { z } from 'zod';
import { apiScopeSchema } from './viewer';

/**
 * What the gateway and the members subgraph must agree on about API keys: how a key looks, how it is hashed, and
 * the internal route that verifies one. See docs/decisions/0008-api-keys-for-integrations.md.
 */
export const API_KEY_PREFIX = 'tunet_';

/** Access tokens are JWTs (`eyJ…`), so the prefix alone tells an API key apart before anything is verified. */
export function looksLikeApiKey(credential: string): boolean {
  return credential.startsWith(API_KEY_PREFIX);
}

/**
 * Keys carry 256 random bits, so a fast unsalted hash is safe (nobody can search that space) and lets the hash
 * itself be the lookup key, in the database and in the gateway's cache.
 */
export function hashApiKey(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** Members serves it at `POST /internal/api-keys/verify`; HTTP 404 means unknown or revoked. */
export const API_KEY_VERIFY_ROUTE = 'api-keys/verify';

export const apiKeyVerifyRequestSchema = z.object({ key: z.string().min(1).max(200) });

export const verifiedApiKeySchema = z.object({
  apiKeyId: z.string().uuid(),
  associationId: z.string().uuid(),
  scopes: z.array(apiScopeSchema).min(1),
});
export type VerifiedApiKey = z.infer<typeof verifiedApiKeySchema>;
