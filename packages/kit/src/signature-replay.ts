import { Counter } from 'prom-client';
import { withoutStoreIfDown } from './fast-store-outage';
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

/** Nonces with when they are forgotten, in claim order (which is expiry order: every nonce is kept equally long). */
type MemoryNonces = Map<string, number>;
const memorySets = new WeakMap<FastStore, MemoryNonces>();

export class SignatureReplayCache {
  private readonly logger: Logger;

  constructor(
    private readonly store: FastStore,
    logger?: Logger,
  ) {
    this.logger = logger ?? createLogger('signature-replay');
  }

  /** Claims a verified signature's nonce: 'fresh' the first time within the window, 'replayed' after. */
  async claim(nonce: string, now = Date.now()): Promise<NonceClaim> {
    if (this.store.kind === 'memory') return claimInMemory(this.store, nonce, now);
    const { client, namespace } = this.store;
    const answer = await withoutStoreIfDown(
      'signature-replay',
      client,
      () => client.set(`${namespace}:signature-nonce:${nonce}`, '1', 'PX', NONCE_RETENTION_MS, 'NX'),
      'unchecked' as const,
      this.logger,
    );
    if (answer === 'unchecked') {
      signatureReplayCheckUnavailable.inc();
      return 'unchecked';
    }
    return answer === 'OK' ? 'fresh' : 'replayed';
  }
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
