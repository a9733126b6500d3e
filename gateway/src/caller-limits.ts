import { clientNetwork, RateLimit, type FastStore, type Viewer } from '@tunet/kit';
import { Kind, OperationTypeNode, type DocumentNode } from 'graphql';
import { rateLimited } from './request-errors';

/** Requests a minute each kind of caller may send to /graphql and /graphql/stream (decision 0053). */
export interface CallerLimitSettings {
  /** Per person (the account behind a session token), across their devices and associations. */
  userPerMinute: number;
  /** Per integrator API key: a property manager's system syncing in bulk. */
  apiKeyPerMinute: number;
  /** Per client network (an IPv4 address, an IPv6 /64) for requests without a valid token: logins, public reads. */
  anonymousPerMinute: number;
}

/** Far above what a person clicking, or the heaviest test walkthrough, sends; a flood reaches them within seconds. */
export const DEFAULT_CALLER_LIMITS: CallerLimitSettings = { userPerMinute: 600, apiKeyPerMinute: 1200, anonymousPerMinute: 300 };
/** For benchmarks and tests whose one token sends thousands of requests a minute: limits nobody reaches. */
export const UNREACHED_CALLER_LIMITS: CallerLimitSettings = { userPerMinute: 1e6, apiKeyPerMinute: 1e6, anonymousPerMinute: 1e6 };

export type CallerKind = 'user' | 'api-key' | 'anonymous';

/** Whose count a request goes against: its API key, its person, or (no valid token) its client network. */
export function callerOf(viewer: Viewer | null, clientIp: string): { kind: CallerKind; key: string } {
  if (viewer?.integration) return { kind: 'api-key', key: viewer.integration.apiKeyId };
  if (viewer) return { kind: 'user', key: viewer.accountId };
  return { kind: 'anonymous', key: clientNetwork(clientIp) };
}

/**
 * Members' mutations that sign in or get a session without one: login, refresh, password reset and set-password links,
 * accepting an invitation. Members limits each itself (PasswordGuard: per e-mail, address, account and device), so
 * they are not counted against the client's network: a neighbour behind the same NAT flooding other requests must not
 * lock every resident out of logging in and refreshing (decision 0003's known devices, decision 0053).
 */
export const AUTHENTICATION_MUTATIONS: ReadonlySet<string> = new Set([
  'login',
  'refreshSession',
  'requestPasswordReset',
  'resetPassword',
  'setPasswordWithToken',
  'acceptInvitation',
]);

/**
 * A document whose every operation is a mutation of only AUTHENTICATION_MUTATIONS fields (no fragments, no
 * `__typename`), so whichever operation runs, it is one of them.
 */
export function isAuthenticationOperation(document: DocumentNode | null): boolean {
  if (!document || document.definitions.length === 0) return false;
  return document.definitions.every(
    (definition) =>
      definition.kind === Kind.OPERATION_DEFINITION &&
      definition.operation === OperationTypeNode.MUTATION &&
      definition.selectionSet.selections.every((selection) => selection.kind === Kind.FIELD && AUTHENTICATION_MUTATIONS.has(selection.name.value)),
  );
}

/**
 * Per-caller request limits on the shared fast store, so every gateway replica counts together: one Redis round trip
 * a request (a consume). A caller over its allowance waits for the minute to end, never longer. While Redis is down,
 * the kit RateLimit counts in each gateway process instead (per replica, counted in tunet_rate_limit_insurance_total,
 * decision 0062).
 */
export class CallerLimits {
  private readonly limits: Record<CallerKind, RateLimit>;

  constructor(store: FastStore, settings: CallerLimitSettings = DEFAULT_CALLER_LIMITS) {
    const perMinute = (name: string, points: number) => new RateLimit(store, { name, points, windowSeconds: 60, blockSeconds: 0 });
    this.limits = {
      user: perMinute('gateway:user', settings.userPerMinute),
      'api-key': perMinute('gateway:api-key', settings.apiKeyPerMinute),
      anonymous: perMinute('gateway:anonymous', settings.anonymousPerMinute),
    };
  }

  /**
   * Counts the request against its caller; RATE_LIMITED (HTTP 429, Retry-After) when the caller has used its minute.
   * An authentication operation (isAuthenticationOperation) without a valid token is not counted.
   */
  async admit(viewer: Viewer | null, clientIp: string, authenticationOperation = false): Promise<void> {
    const { kind, key } = callerOf(viewer, clientIp);
    if (kind === 'anonymous' && authenticationOperation) return;
    const turn = await this.limits[kind].take(key);
    if (!turn.taken) throw rateLimited(turn.secondsBlocked, 'TOO_MANY_REQUESTS');
  }

  /**
   * The request's authentication once its caller is admitted. A refused token (expired, forged, a wrong API key) counts
   * against the client's network like an anonymous request, so a flood of bad tokens is limited too.
   */
  async admitAuthenticated<A extends { viewer: Viewer | null }>(authentication: Promise<A>, clientIp: string, authenticationOperation = false): Promise<A> {
    const outcome = await authentication.then(
      (authenticated) => ({ authenticated }),
      (error: unknown) => ({ error }),
    );
    await this.admit('authenticated' in outcome ? outcome.authenticated.viewer : null, clientIp, authenticationOperation);
    if ('error' in outcome) throw outcome.error;
    return outcome.authenticated;
  }
}

/** RATE_LIMIT_USER_PER_MINUTE, RATE_LIMIT_API_KEY_PER_MINUTE, RATE_LIMIT_ANONYMOUS_PER_MINUTE; a bad value stops the start. */
export function callerLimitsFromEnv(env: NodeJS.ProcessEnv): CallerLimitSettings {
  const read = (name: string, fallback: number) => {
    const value = env[name];
    if (value === undefined || value === '') return fallback;
    if (!/^\d+$/.test(value) || Number(value) < 1) throw new Error(`${name} must be a whole number of requests a minute, at least 1 (got '${value}')`);
    return Number(value);
  };
  return {
    userPerMinute: read('RATE_LIMIT_USER_PER_MINUTE', DEFAULT_CALLER_LIMITS.userPerMinute),
    apiKeyPerMinute: read('RATE_LIMIT_API_KEY_PER_MINUTE', DEFAULT_CALLER_LIMITS.apiKeyPerMinute),
    anonymousPerMinute: read('RATE_LIMIT_ANONYMOUS_PER_MINUTE', DEFAULT_CALLER_LIMITS.anonymousPerMinute),
  };
}
