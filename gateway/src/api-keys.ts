import {
  API_KEY_VERIFY_ROUTE,
  associationClosedStatusSchema,
  clientNetwork,
  hashApiKey,
  isUnavailable,
  openFastCache,
  postInternalRoute,
  RateLimit,
  routeFailure,
  verifiedApiKeySchema,
  type FastCache,
  type FastStore,
  type Logger,
  type RequestContext,
  type VerifiedApiKey,
  type Viewer,
} from '@tunet/kit';
import { GraphQLError } from 'graphql';
import { closedAssociation, rateLimited, serviceUnavailable, unauthenticated } from './request-errors';
import { isTimeout, logTimeout } from './subgraph-timeouts';

type Caller = Pick<RequestContext, 'requestId' | 'clientIp'>;

/** Whom a key acts for, or null when it is unknown or revoked; throws when the answer cannot be had. */
export type VerifyApiKey = (secret: string, caller: Caller) => Promise<VerifiedApiKey | null>;

export const DEFAULT_API_KEY_CACHE_SECONDS = 60;

/** Unknown keys are asked about again soon: a key nobody knew a moment ago cannot become valid, but stay cheap. */
const NEGATIVE_CACHE_MS = 10_000;

/** Enough for an integration that mistyped its key a few times, far too few to guess 256 bits. */
const FAILURES_PER_ADDRESS = { name: 'api-key:address', points: 30, windowSeconds: 15 * 60, blockSeconds: 15 * 60 };

/**
 * Turns an API key into the integration's viewer. Members' answer is cached on the fast store, keyed by the key's
 * hash, for `cacheSeconds`: that is how long a revoked key can keep working (docs/decisions/0008).
 */
export class ApiKeyAuthenticator {
  private readonly cache: FastCache<{ verified: VerifiedApiKey | null }>;
  private readonly failures: RateLimit;

  constructor(
    store: FastStore,
    private readonly verify: VerifyApiKey,
    private readonly cacheSeconds = DEFAULT_API_KEY_CACHE_SECONDS,
  ) {
    this.cache = openFastCache(store, 'api-keys');
    this.failures = new RateLimit(store, FAILURES_PER_ADDRESS);
  }

  /** UNAUTHENTICATED for an unknown or revoked key; RATE_LIMITED once an address has failed too often. */
  async viewerFor(secret: string, caller: Caller): Promise<Viewer> {
    // Checked before verifying, so a blocked address learns nothing more, not even from a right guess.
    const network = clientNetwork(caller.clientIp);
    const wait = await this.failures.secondsBlocked(network);
    if (wait > 0) throw rateLimited(wait);
    const verified = await this.verified(secret, caller);
    if (!verified) {
      await this.failures.record(network);
      throw unauthenticated('API_KEY_INVALID');
    }
    return integrationViewer(verified);
  }

  private async verified(secret: string, caller: Caller): Promise<VerifiedApiKey | null> {
    const cacheKey = hashApiKey(secret);
    const cached = await this.cache.get(cacheKey);
    if (cached) return cached.verified;
    const verified = await this.verify(secret, caller);
    const ttlMs = this.cacheSeconds * 1000;
    await this.cache.set(cacheKey, { verified }, verified ? ttlMs : Math.min(ttlMs, NEGATIVE_CACHE_MS));
    return verified;
  }
}

/** An integration acts in its key's association with its key's scopes only: no member, no role, never an admin. */
export function integrationViewer(key: VerifiedApiKey): Viewer {
  return {
    accountId: key.apiKeyId,
    associationId: key.associationId,
    memberId: null,
    role: null,
    platformAdmin: false,
    sessionId: null,
    integration: { apiKeyId: key.apiKeyId, scopes: key.scopes },
  };
}

/**
 * Asks the members subgraph's internal route, signed like every gateway → subgraph call, so the gateway never
 * reads members' tables. Members answers HTTP 404 for unknown and revoked keys alike. Without its answer within
 * members' timeout, or with members unreachable or answering 5xx, the request fails with SERVICE_UNAVAILABLE: the
 * key is neither accepted nor counted as wrong.
 */
export function verifyWithMembers(membersUrl: () => string, internalSecret: string, timeoutMs: number, logger: Logger): VerifyApiKey {
  return async (secret, caller) => {
    try {
      const response = await postInternalRoute({
        graphqlUrl: membersUrl(),
        route: API_KEY_VERIFY_ROUTE,
        internalSecret,
        payload: { key: secret },
        timeoutMs,
        caller,
      });
      if (response.status === 404) return null;
      // A key of a blocked or terminated association: refused with the reason, and not counted as a wrong key.
      if (response.status === 403) throw closedAssociation(associationClosedStatusSchema.parse(((await response.json()) as { status?: unknown }).status));
      if (!response.ok) throw routeFailure(`members' ${API_KEY_VERIFY_ROUTE}`, response.status);
      return verifiedApiKeySchema.parse(await response.json());
    } catch (error) {
      if (error instanceof GraphQLError) throw error;
      if (isTimeout(error)) {
        logTimeout(logger, 'members', timeoutMs, caller.requestId);
        throw serviceUnavailable('members');
      }
      // Context creation failures reach the client masked and are not logged by Apollo, so this is the only trace.
      logger.error({ err: error, requestId: caller.requestId }, 'API key verification failed');
      // Members down (connection refused) or answering 5xx: an outage, not a fault of the key or of the gateway.
      if (isUnavailable(error)) throw serviceUnavailable('members', 'unreachable');
      throw error;
    }
  };
}
