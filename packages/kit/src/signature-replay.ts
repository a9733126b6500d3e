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

/**
 * 'unchecked': the store failed and the nonce was new to this process, which then claims it in a set of its own
 * (counted and logged): a replay to the same replica is still refused, one to another replica is not.
 */
export type NonceClaim = 'fresh' | 'replayed' | 'unchecked';

export const signatureReplayCheckUnavailable = new Counter({
  name: 'tunet_signature_replay_check_unavailable_total',
  help: 'Signed internal requests whose nonce replay check fell back to this process only because the fast store (Redis) failed (decisions 0054, 0062).',
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

/**
 * Nonces a process keeps at most while Redis fails: the oldest are forgotten beyond it, so a flood of signed requests
 * during an outage cannot grow the process without bound (100 000 in 2 × the skew window is far above any real rate).
 */
export const FALLBACK_NONCES = 100_000;

export class SignatureReplayCache {
  private readonly logger: Logger;
  /** When a refused replay was last logged, and how many were refused since: at most one warning per LOG_EVERY_MS. */
  private lastWarning: { at: number; since: number } | null = null;

  /** What this process claimed while Redis failed (decision 0062). */
  private readonly fallback: MemoryNonces = new Map();

  constructor(
    private readonly store: FastStore,
    logger?: Logger,
    private readonly timeoutMs = NONCE_CLAIM_TIMEOUT_MS,
    private readonly fallbackCapacity = FALLBACK_NONCES,
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
      return claimIn(this.fallback, nonce, now, this.fallbackCapacity) === 'replayed' ? 'replayed' : 'unchecked';
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
  return claimIn(nonces, nonce, now);
}

/** Claims the nonce in `nonces`, keeping at most `capacity` (the oldest forgotten first). */
function claimIn(nonces: MemoryNonces, nonce: string, now: number, capacity = Infinity): 'fresh' | 'replayed' {
  // Forget what has expired; the oldest come first, so this stops at the first one still kept.
  for (const [old, forgetAt] of nonces) {
    if (forgetAt > now) break;
    nonces.delete(old);
  }
  if (nonces.has(nonce)) return 'replayed';
  for (const old of nonces.keys()) {
    if (nonces.size < capacity) break;
    nonces.delete(old);
  }
  nonces.set(nonce, now + NONCE_RETENTION_MS);
  return 'fresh';
}
