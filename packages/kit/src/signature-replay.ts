import { Counter } from 'prom-client';
import { LOG_EVERY_MS, withoutStoreIfDown } from './fast-store-outage';
import { MAX_CLOCK_SKEW_MS } from './internal-signature';
import { createLogger, type Logger } from './logger';
import type { FastStore } from './redis';

/**
 * The replay cache of signed internal requests (docs/decisions/0054): a signature's nonce is claimed once; the same
 * signed request sent again while its timestamp is still inside the clock-skew window is refused. On Redis the
 * claim is `SET <ns>:signature-nonce:<nonce> 1 NX PX <window>`, shared by every replica of every subgraph (the host
 * is not signed, so a request captured on its way to one subgraph is refused at all the others too); embedded, the
 * processes share one in-memory set per store.
 */

/**
 * How long a nonce is remembered: a timestamp up to MAX_CLOCK_SKEW_MS ahead of this process's clock stays valid
 * until MAX_CLOCK_SKEW_MS after it, so twice the skew from now covers every moment the signature could still pass.
 */
export const NONCE_RETENTION_MS = 2 * MAX_CLOCK_SKEW_MS;

/** 'unchecked': the store failed, and the request was let through (fail open, counted and logged). */
export type NonceClaim = 'fresh' | 'replayed' | 'unchecked';

export const signatureReplayCheckUnavailable = new Counter({
  name: 'tunet_signature_replay_check_unavailable_total',
  help: 'Signed internal requests let through without the nonce replay check because the fast store (Redis) failed (fail open, decision 0054).',
});

/**
 * How long a request waits for Redis to claim its nonce before it is let through unchecked (fail open): far below the
 * store's 500 ms command timeout, so a Redis that hangs with the connection open does not hold every signed request.
 */
export const NONCE_CLAIM_TIMEOUT_MS = 75;

export const signatureReplaysRefused = new Counter({
  name: 'tunet_signature_replays_refused_total',
  help: 'Signed internal requests refused with 401 because their nonce was already used (a replay or a resent request, decision 0054).',
});

/** Who sent a refused replay, for the log. */
export interface ReplayCaller {
  requestId?: string;
  ip?: string;
}

/** Nonces with when they are forgotten, in claim order (which is expiry order: every nonce is kept equally long). */
type MemoryNonces = Map<string, number>;
const memorySets = new WeakMap<FastStore, MemoryNonces>();

export class SignatureReplayCache {
  private readonly logger: Logger;
  /** When a refused replay was last logged, and how many were refused since: at most one warning per LOG_EVERY_MS. */
  private lastWarning: { at: number; since: number } | null = null;

  constructor(
    private readonly store: FastStore,
    logger?: Logger,
    private readonly timeoutMs = NONCE_CLAIM_TIMEOUT_MS,
  ) {
    this.logger = logger ?? createLogger('signature-replay');
  }

  /**
   * Claims a verified signature's nonce: 'fresh' the first time within the window, 'replayed' after (counted, and
   * logged at most once per LOG_EVERY_MS with `caller`).
   */
  async claim(nonce: string, now = Date.now(), caller: ReplayCaller = {}): Promise<NonceClaim> {
    const claim = await this.claimInStore(nonce, now);
    if (claim === 'replayed') this.refused(caller, now);
    return claim;
  }

  private async claimInStore(nonce: string, now: number): Promise<NonceClaim> {
    if (this.store.kind === 'memory') return claimInMemory(this.store, nonce, now);
    const { client, namespace } = this.store;
    const answer = await withoutStoreIfDown(
      'signature-replay',
      client,
      () => withinMs(client.set(`${namespace}:signature-nonce:${nonce}`, '1', 'PX', NONCE_RETENTION_MS, 'NX'), this.timeoutMs),
      'unchecked' as const,
      this.logger,
    );
    if (answer === 'unchecked') {
      signatureReplayCheckUnavailable.inc();
      return 'unchecked';
    }
    return answer === 'OK' ? 'fresh' : 'replayed';
  }

  private refused(caller: ReplayCaller, now: number): void {
    signatureReplaysRefused.inc();
    const last = this.lastWarning;
    if (last && now - last.at < LOG_EVERY_MS) {
      last.since++;
      return;
    }
    this.lastWarning = { at: now, since: 0 };
    const refused = (last?.since ?? 0) + 1;
    this.logger.warn({ reason: 'replayed signature nonce', ...caller, refused }, 'rejected replayed subgraph request');
  }
}

/** The command's answer, or a rejection once `ms` have passed without one (the late answer is then ignored). */
function withinMs<T>(command: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Redis did not claim the nonce within ${ms} ms`)), ms);
  });
  command.catch(() => undefined);
  return Promise.race([command, late]).finally(() => clearTimeout(timer));
}

function claimInMemory(store: FastStore, nonce: string, now: number): NonceClaim {
  let nonces = memorySets.get(store);
  if (!nonces) memorySets.set(store, (nonces = new Map<string, number>()));
  // Forget what has expired; the oldest come first, so this stops at the first one still kept.
  for (const [old, forgetAt] of nonces) {
    if (forgetAt > now) break;
    nonces.delete(old);
  }
  if (nonces.has(nonce)) return 'replayed';
  nonces.set(nonce, now + NONCE_RETENTION_MS);
  return 'fresh';
}
