import type { Redis } from 'ioredis';
import { storeUnavailable } from './fast-store-outage';
import { openInvalidationChannel, type InvalidationChannel } from './invalidation-channel';
import type { Logger } from './logger';
import type { FastStore } from './redis';

/**
 * Per-association state another subgraph owns and many processes read on every request (billing's entitlements,
 * privacy's consents and restrictions): a brief copy in each process, a shared copy on the fast store, and the
 * owner's answer on a miss (docs/decisions/0031, 0038). The owner announces every change; each process forgets its
 * copy the moment it hears it, and the shared copy is versioned, so an answer the owner gave before the change can
 * never be cached after it.
 */

/** How long a process trusts its copy without hearing otherwise: the bound when an announcement is lost. */
const LOCAL_CACHE_MS = 5_000;
const LOCAL_CACHE_CAPACITY = 10_000;
/** How long the shared copy lives: the bound on a change the owner failed to announce (it crashed in between). */
const SHARED_CACHE_MS = 60_000;
/** Far longer than a shared copy lives, so a version that expired cannot come back and match an old copy. */
const VERSION_KEEP_MS = 24 * 60 * 60 * 1000;

/** One kind of announced state: its name (the channel and the shared keys) and how an answer is checked. */
export interface AnnouncedKind<T> {
  name: string;
  /**
   * The owner is another process: its answer (or a shared copy another process wrote) must be of the expected shape
   * and of the association asked about. Throws saying which it is not.
   */
  check(associationId: string, answer: unknown): T;
}

/**
 * The owner's side: after every committed change, the shared copy is retired and every process told to forget its
 * own. Resolves once announced; a failure means the change has not reached the readers (other than through the
 * caches' lifetimes), so the caller should fail or retry.
 */
export async function announceChanged<T>(store: FastStore, kind: AnnouncedKind<T>, associationId: string): Promise<void> {
  await sharedCacheOf(store, kind).retire(associationId);
  await openInvalidationChannel(store, kind.name).publish(associationId);
}

/** The owner's answer for one association; throws when the owner cannot be asked. */
export type AnnouncedLoader<T> = (associationId: string) => Promise<T>;

/** A reader's side: an association's state, from the nearest copy that is still current. */
export class AnnouncedReader<T> {
  private readonly local = new Map<string, { value: T; expiresAt: number }>();
  /** One load per association at a time: a burst of requests after a change asks the owner once. */
  private readonly loading = new Map<string, Promise<T>>();
  /** Moves on with every announcement heard, so a read that began before one does not keep what it read. */
  private generation = 0;
  private stopListening: (() => Promise<void>) | null = null;

  private constructor(
    private readonly kind: AnnouncedKind<T>,
    private readonly shared: SharedCache<T>,
    private readonly load: AnnouncedLoader<T>,
    private readonly logger: Logger,
  ) {}

  /** Resolves once changes announced from now on are heard, or at once while Redis is down (heard once it is back). */
  static async open<T>(store: FastStore, kind: AnnouncedKind<T>, load: AnnouncedLoader<T>, logger: Logger): Promise<AnnouncedReader<T>> {
    const reader = new AnnouncedReader(kind, sharedCacheOf(store, kind), load, logger);
    const channel: InvalidationChannel = openInvalidationChannel(store, kind.name, logger);
    reader.stopListening = await channel.listen(
      (associationId) => reader.heard(associationId),
      () => reader.forgetAll(),
    );
    return reader;
  }

  /** Rejects when neither copy is current and the owner cannot be asked (or answers something malformed). */
  async read(associationId: string): Promise<T> {
    const cached = this.local.get(associationId);
    if (cached && cached.expiresAt > Date.now()) return cached.value;
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

  /**
   * While the store fails (Redis down) the shared copy is a miss and nothing is written to it (decision 0059): every
   * process asks the owner, and keeps its answer for LOCAL_CACHE_MS as usual.
   */
  private async fetch(associationId: string): Promise<T> {
    const generation = this.generation;
    const use = `announced:${this.kind.name}`;
    const shared = await this.shared.read(associationId).catch((error: unknown) => void storeUnavailable(use, error, this.logger));
    let value: T | null = shared ? shared.value : null;
    if (value === null) {
      value = this.kind.check(associationId, await this.load(associationId));
      // Tagged with the version read before the owner was asked: a change announced meanwhile retires it at once.
      if (shared) await this.shared.write(associationId, shared.version, value).catch((error: unknown) => storeUnavailable(use, error, this.logger));
    }
    if (generation === this.generation) this.remember(associationId, value);
    return value;
  }

  private remember(associationId: string, value: T): void {
    this.local.delete(associationId);
    this.local.set(associationId, { value, expiresAt: Date.now() + LOCAL_CACHE_MS });
    const oldest = this.local.keys().next().value;
    if (this.local.size > LOCAL_CACHE_CAPACITY && oldest !== undefined) this.local.delete(oldest);
  }

  /**
   * Forgets the association's copy, and reads it afresh at once if this process was using it: the next request then
   * finds the new state here rather than waiting for the owner itself.
   */
  private heard(associationId: string): void {
    this.generation++;
    const kept = this.local.get(associationId);
    this.local.delete(associationId);
    const wasLoading = this.loading.delete(associationId);
    const inUse = wasLoading || (kept !== undefined && kept.expiresAt > Date.now());
    if (!inUse || !this.stopListening) return;
    this.read(associationId).catch((error: unknown) => this.logger.warn({ err: error, associationId, kind: this.kind.name }, 'reading changed state failed'));
  }

  /** After a reconnection announcements may have been missed, so nothing read before is trusted. */
  private forgetAll(): void {
    this.generation++;
    this.local.clear();
    this.loading.clear();
  }
}

/**
 * The shared copy, one per association, tagged with the association's version. Retiring bumps the version, so a
 * copy written by a load that began before the change (and so may hold the owner's old answer) never matches again.
 */
interface SharedCache<T> {
  read(associationId: string): Promise<{ version: string; value: T | null }>;
  write(associationId: string, version: string, value: T): Promise<void>;
  retire(associationId: string): Promise<void>;
}

function sharedCacheOf<T>(store: FastStore, kind: AnnouncedKind<T>): SharedCache<T> {
  return store.kind === 'redis' ? redisSharedCache(store.client, `${store.namespace}:${kind.name}`, kind) : memorySharedCache(store, kind);
}

/** A copy another process wrote is checked before it is believed; anything malformed counts as absent. */
function parseEntry<T>(kind: AnnouncedKind<T>, text: string | null | undefined, version: string, associationId: string): T | null {
  if (!text) return null;
  try {
    const entry = JSON.parse(text) as { version?: unknown; value?: unknown };
    return entry.version === version ? kind.check(associationId, entry.value) : null;
  } catch {
    return null;
  }
}

function redisSharedCache<T>(client: Redis, prefix: string, kind: AnnouncedKind<T>): SharedCache<T> {
  const versionKey = (associationId: string) => `${prefix}:version:${associationId}`;
  const entryKey = (associationId: string) => `${prefix}:entry:${associationId}`;
  return {
    async read(associationId) {
      // Not sent while disconnected: the reader falls back at once rather than wait for reconnection attempts.
      if (client.status !== 'ready') throw new Error(`Redis connection ${client.status}`);
      const [version, text] = await client.mget(versionKey(associationId), entryKey(associationId));
      const current = version ?? '0';
      return { version: current, value: parseEntry(kind, text, current, associationId) };
    },
    async write(associationId, version, value) {
      await client.set(entryKey(associationId), JSON.stringify({ version, value }), 'PX', SHARED_CACHE_MS);
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

/** One per embedded store and kind, so the owner and the readers in one process share it as they would share Redis. */
const memoryStates = new WeakMap<FastStore, Map<string, MemoryEntries>>();

function memoryEntriesOf(store: FastStore, name: string): MemoryEntries {
  let kinds = memoryStates.get(store);
  if (!kinds) {
    kinds = new Map();
    memoryStates.set(store, kinds);
  }
  let state = kinds.get(name);
  if (!state) {
    state = { versions: new Map(), entries: new Map() };
    kinds.set(name, state);
  }
  return state;
}

function memorySharedCache<T>(store: FastStore, kind: AnnouncedKind<T>): SharedCache<T> {
  const { versions, entries } = memoryEntriesOf(store, kind.name);
  return {
    async read(associationId) {
      const version = String(versions.get(associationId) ?? 0);
      const entry = entries.get(associationId);
      const text = entry && entry.expiresAt > Date.now() ? entry.text : null;
      return { version, value: parseEntry(kind, text, version, associationId) };
    },
    async write(associationId, version, value) {
      entries.delete(associationId);
      entries.set(associationId, { text: JSON.stringify({ version, value }), expiresAt: Date.now() + SHARED_CACHE_MS });
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
