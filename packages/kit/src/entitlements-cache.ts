import type { Redis } from 'ioredis';
import { entitlementsSchema, type Entitlements } from './entitlements';
import { openInvalidationChannel, type InvalidationChannel } from './invalidation-channel';
import { createLogger, type Logger } from './logger';
import type { FastStore } from './redis';

/**
 * Entitlements as the gateway reads them on every request (docs/decisions/0031): a brief copy in each process, a
 * shared copy on the fast store, and billing's answer on a miss. Billing announces every change; each process
 * forgets its copy the moment it hears it, and the shared copy is versioned, so an answer billing gave before the
 * change can never be cached after it.
 */

/** How long a process trusts its copy without hearing otherwise: the bound when an announcement is lost. */
const LOCAL_CACHE_MS = 5_000;
const LOCAL_CACHE_CAPACITY = 10_000;
/** How long the shared copy lives: the bound on a change billing failed to announce (it crashed in between). */
const SHARED_CACHE_MS = 60_000;
/** Far longer than a shared copy lives, so a version that expired cannot come back and match an old copy. */
const VERSION_KEEP_MS = 24 * 60 * 60 * 1000;
const CHANNEL = 'entitlements';

/**
 * Billing's side: after every committed change of what an association may use, the shared copy is retired and every
 * process told to forget its own. Resolves once announced; a failure means the change has not reached the gateways
 * (other than through the caches' lifetimes), so the caller should fail or retry.
 */
export async function announceEntitlementsChanged(store: FastStore, associationId: string): Promise<void> {
  await sharedCacheOf(store).retire(associationId);
  await openInvalidationChannel(store, CHANNEL).publish(associationId);
}

/** Billing's answer for one association; throws when billing cannot be asked. */
export type EntitlementsLoader = (associationId: string) => Promise<Entitlements>;

/** The gateway's side: an association's entitlements, from the nearest copy that is still current. */
export class EntitlementsReader {
  private readonly local = new Map<string, { entitlements: Entitlements; expiresAt: number }>();
  /** One load per association at a time: a burst of requests after a change asks billing once. */
  private readonly loading = new Map<string, Promise<Entitlements>>();
  /** Moves on with every announcement heard, so a read that began before one does not keep what it read. */
  private generation = 0;
  private stopListening: (() => Promise<void>) | null = null;

  private constructor(
    private readonly shared: SharedCache,
    private readonly load: EntitlementsLoader,
    private readonly logger: Logger,
  ) {}

  /** Resolves once changes announced from now on are heard. */
  static async open(store: FastStore, load: EntitlementsLoader, logger: Logger = createLogger('entitlements')): Promise<EntitlementsReader> {
    const reader = new EntitlementsReader(sharedCacheOf(store), load, logger);
    const channel: InvalidationChannel = openInvalidationChannel(store, CHANNEL, logger);
    reader.stopListening = await channel.listen(
      (associationId) => reader.heard(associationId),
      () => reader.forgetAll(),
    );
    return reader;
  }

  /** Rejects when neither copy is current and billing cannot be asked (or answers something malformed). */
  async read(associationId: string): Promise<Entitlements> {
    const cached = this.local.get(associationId);
    if (cached && cached.expiresAt > Date.now()) return cached.entitlements;
    const pending = this.loading.get(associationId);
    if (pending) return pending;
    const loading = this.fetch(associationId).finally(() => {
      if (this.loading.get(associationId) === loading) this.loading.delete(associationId);
    });
    this.loading.set(associationId, loading);
    return loading;
  }

  async close(): Promise<void> {
    await this.stopListening?.();
    this.stopListening = null;
  }

  private async fetch(associationId: string): Promise<Entitlements> {
    const generation = this.generation;
    const { version, entitlements: shared } = await this.shared.read(associationId);
    let entitlements = shared;
    if (!entitlements) {
      entitlements = checked(associationId, await this.load(associationId));
      // Tagged with the version read before billing was asked: a change announced meanwhile retires it at once.
      await this.shared.write(associationId, version, entitlements);
    }
    if (generation === this.generation) this.remember(associationId, entitlements);
    return entitlements;
  }

  private remember(associationId: string, entitlements: Entitlements): void {
    this.local.delete(associationId);
    this.local.set(associationId, { entitlements, expiresAt: Date.now() + LOCAL_CACHE_MS });
    const oldest = this.local.keys().next().value;
    if (this.local.size > LOCAL_CACHE_CAPACITY && oldest !== undefined) this.local.delete(oldest);
  }

  /**
   * Forgets the association's copy, and reads it afresh at once if this process was using it: the next request then
   * finds the new entitlements here rather than waiting for billing itself.
   */
  private heard(associationId: string): void {
    this.generation++;
    const kept = this.local.get(associationId);
    this.local.delete(associationId);
    const wasLoading = this.loading.delete(associationId);
    const inUse = wasLoading || (kept !== undefined && kept.expiresAt > Date.now());
    if (!inUse || !this.stopListening) return;
    this.read(associationId).catch((error: unknown) => this.logger.warn({ err: error, associationId }, 'reading changed entitlements failed'));
  }

  /** After a reconnection announcements may have been missed, so nothing read before is trusted. */
  private forgetAll(): void {
    this.generation++;
    this.local.clear();
    this.loading.clear();
  }
}

/** Billing is another process: its answer must be entitlements, and of the association asked about. */
function checked(associationId: string, answer: unknown): Entitlements {
  const parsed = entitlementsSchema.safeParse(answer);
  if (!parsed.success) throw new Error('billing answered entitlements of an unexpected shape');
  if (parsed.data.associationId !== associationId) throw new Error('billing answered entitlements of another association');
  return parsed.data;
}

/**
 * The shared copy, one per association, tagged with the association's version. Retiring bumps the version, so a
 * copy written by a load that began before the change (and so may hold billing's old answer) never matches again.
 */
interface SharedCache {
  read(associationId: string): Promise<{ version: string; entitlements: Entitlements | null }>;
  write(associationId: string, version: string, entitlements: Entitlements): Promise<void>;
  retire(associationId: string): Promise<void>;
}

function sharedCacheOf(store: FastStore): SharedCache {
  return store.kind === 'redis' ? redisSharedCache(store.client, `${store.namespace}:entitlements`) : memorySharedCache(store);
}

/** A copy another process wrote is checked before it is believed; anything malformed counts as absent. */
function parseEntry(text: string | null | undefined, version: string, associationId: string): Entitlements | null {
  if (!text) return null;
  try {
    const entry = JSON.parse(text) as { version?: unknown; entitlements?: unknown };
    if (entry.version !== version) return null;
    const parsed = entitlementsSchema.safeParse(entry.entitlements);
    return parsed.success && parsed.data.associationId === associationId ? parsed.data : null;
  } catch {
    return null;
  }
}

function redisSharedCache(client: Redis, prefix: string): SharedCache {
  const versionKey = (associationId: string) => `${prefix}:version:${associationId}`;
  const entryKey = (associationId: string) => `${prefix}:entry:${associationId}`;
  return {
    async read(associationId) {
      const [version, text] = await client.mget(versionKey(associationId), entryKey(associationId));
      const current = version ?? '0';
      return { version: current, entitlements: parseEntry(text, current, associationId) };
    },
    async write(associationId, version, entitlements) {
      await client.set(entryKey(associationId), JSON.stringify({ version, entitlements }), 'PX', SHARED_CACHE_MS);
    },
    async retire(associationId) {
      await client.multi().incr(versionKey(associationId)).pexpire(versionKey(associationId), VERSION_KEEP_MS).del(entryKey(associationId)).exec();
    },
  };
}

interface MemoryEntries {
  versions: Map<string, number>;
  entries: Map<string, { text: string; expiresAt: number }>;
}

/** One per embedded store, so billing and the gateway in one process share it as they would share Redis. */
const memoryStates = new WeakMap<FastStore, MemoryEntries>();

function memorySharedCache(store: FastStore): SharedCache {
  let state = memoryStates.get(store);
  if (!state) {
    state = { versions: new Map(), entries: new Map() };
    memoryStates.set(store, state);
  }
  const { versions, entries } = state;
  return {
    async read(associationId) {
      const version = String(versions.get(associationId) ?? 0);
      const entry = entries.get(associationId);
      const text = entry && entry.expiresAt > Date.now() ? entry.text : null;
      return { version, entitlements: parseEntry(text, version, associationId) };
    },
    async write(associationId, version, entitlements) {
      entries.delete(associationId);
      entries.set(associationId, { text: JSON.stringify({ version, entitlements }), expiresAt: Date.now() + SHARED_CACHE_MS });
      const oldest = entries.keys().next().value;
      if (entries.size > LOCAL_CACHE_CAPACITY && oldest !== undefined) entries.delete(oldest);
    },
    async retire(associationId) {
      // Versions are never forgotten here: one small number per association that ever changed, in one process.
      versions.set(associationId, (versions.get(associationId) ?? 0) + 1);
      entries.delete(associationId);
    },
  };
}
