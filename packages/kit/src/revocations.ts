import { EventEmitter } from 'node:events';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { associationClosedStatusSchema } from './association-closure';
import { storeUnavailable } from './fast-store-outage';
import { createLogger, type Logger } from './logger';
import { subscribeWhenReachable, subscriberConnection, type FastStore } from './redis';

/**
 * Ended sessions, suspended members and closed associations, kept on the fast store for as long as an access token issued before can
 * live, and announced over pub/sub so every gateway forgets its brief local copy at once (docs/decisions/0018).
 * Members writes them where it ends sessions and suspends; the gateway reads them on every request.
 */

const suspensionSchema = z.object({
  /** When it began: a token issued later was issued after a reinstatement, so the suspension does not hold it. */
  since: z.iso.datetime(),
  reason: z.string(),
  until: z.iso.date().nullable(),
});
export type Suspension = z.infer<typeof suspensionSchema>;

const closureSchema = z.object({
  /** When access closed: a token issued later comes from a support session or after reopening (decision 0034). */
  since: z.iso.datetime(),
  status: associationClosedStatusSchema,
});
/** An association whose access is closed: blocked after a breach, or terminated (decision 0034). */
export type AssociationClosure = z.infer<typeof closureSchema>;

const revocationSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('sessions-ended'), sessionIds: z.array(z.guid()) }),
  z.object({ kind: z.literal('suspended'), associationId: z.guid(), memberId: z.guid(), suspension: suspensionSchema }),
  z.object({ kind: z.literal('reinstated'), associationId: z.guid(), memberId: z.guid() }),
  z.object({ kind: z.literal('association-closed'), associationId: z.guid(), closure: closureSchema }),
  z.object({ kind: z.literal('association-reopened'), associationId: z.guid() }),
]);
export type Revocation = z.infer<typeof revocationSchema>;

/** Who an access token speaks for, and since when. */
export interface TokenHolder {
  sessionId: string | null;
  associationId: string | null;
  memberId: string | null;
  issuedAt: Date;
  /** A platform operator's support session, which outlives the association's closing: the provider must export. */
  support?: boolean;
}

export interface Standing {
  sessionEnded: boolean;
  /** Set when the member was suspended after the token was issued. */
  suspension: Suspension | null;
  /** Set when the token's association was closed after the token was issued. */
  associationClosed: AssociationClosure | null;
  /**
   * Set when the token was issued before this process started and the process has not yet read the store (started
   * while Redis is down): a revocation made before the start is unknown here, so the token is answered as expired and
   * its client refreshes through members' database, which knows ended sessions (decision 0062).
   */
  unverifiable: boolean;
}

/** How long a gateway trusts what it read without hearing otherwise: the bound when a pub/sub message is lost. */
const LOCAL_CACHE_MS = 5_000;
const LOCAL_CACHE_CAPACITY = 10_000;
/**
 * How long a revocation the reader learnt of keeps holding without the store: as long as the longest access token
 * issued before it can live (a support session's 4 hours), with a minute for clocks that disagree.
 */
const KEEP_KNOWN_MS = (4 * 60 + 1) * 60_000;
/** Revocations not yet written for want of the store, kept to be written once it is back; beyond this the oldest go. */
const UNSENT_CAPACITY = 10_000;

/** A revocation the store could not take: written (with what is left of its time) once the store is back. */
type Unsent =
  | { kind: 'write'; entries: { key: string; value: string }[]; expiresAt: number; announcement: Revocation }
  | { kind: 'remove'; key: string; announcement: Revocation };

/**
 * Members' side: records what ended and who is suspended, each for `keepSeconds` (an access token's lifetime).
 * Callers call it after their change committed, so it never fails them for the store (decision 0059): a revocation the
 * store cannot take is counted (`revocations:write`), logged, and written and announced once the store is back.
 */
export class RevocationWriter {
  private readonly backend: Backend;
  private readonly unsent: Unsent[] = [];
  private waiting = false;
  private resending = false;

  constructor(
    private readonly store: FastStore,
    private readonly keepSeconds: number,
    private readonly logger: Logger = createLogger('revocations'),
  ) {
    this.backend = backendFor(store);
  }

  async endSessions(sessionIds: string[]): Promise<void> {
    if (sessionIds.length === 0) return;
    await this.send({
      kind: 'write',
      entries: sessionIds.map((id) => ({ key: sessionKey(id), value: '1' })),
      expiresAt: Date.now() + this.keepSeconds * 1000,
      announcement: { kind: 'sessions-ended', sessionIds },
    });
  }

  async suspend(associationId: string, memberId: string, suspension: Omit<Suspension, 'since'>, since = new Date()): Promise<void> {
    const entry: Suspension = { ...suspension, since: since.toISOString() };
    await this.send({
      kind: 'write',
      entries: [{ key: memberKey(associationId, memberId), value: JSON.stringify(entry) }],
      expiresAt: Date.now() + this.keepSeconds * 1000,
      announcement: { kind: 'suspended', associationId, memberId, suspension: entry },
    });
  }

  async reinstate(associationId: string, memberId: string): Promise<void> {
    await this.send({ kind: 'remove', key: memberKey(associationId, memberId), announcement: { kind: 'reinstated', associationId, memberId } });
  }

  /** Closes the association's access: every token issued up to `since` is refused (blocked or terminated). */
  async closeAssociation(associationId: string, status: AssociationClosure['status'], since = new Date()): Promise<void> {
    const closure: AssociationClosure = { since: since.toISOString(), status };
    await this.send({
      kind: 'write',
      entries: [{ key: associationKey(associationId), value: JSON.stringify(closure) }],
      expiresAt: Date.now() + this.keepSeconds * 1000,
      announcement: { kind: 'association-closed', associationId, closure },
    });
  }

  /** Lets the tokens of a reopened (unblocked) association work again. */
  async reopenAssociation(associationId: string): Promise<void> {
    await this.send({ kind: 'remove', key: associationKey(associationId), announcement: { kind: 'association-reopened', associationId } });
  }

  /** Writes it now, after those still unsent (in order, so a reinstatement never lands before its suspension). */
  private async send(revocation: Unsent): Promise<void> {
    if (this.unsent.length > 0) {
      this.keep(revocation);
      // The store may have come back without reconnecting (a command that timed out): try again now.
      if (!this.resending && this.store.kind === 'redis' && this.store.client.status === 'ready') await this.resend();
      return;
    }
    try {
      await this.deliver(revocation);
    } catch (error) {
      storeUnavailable('revocations:write', error, this.logger);
      this.keep(revocation);
    }
  }

  private deliver(revocation: Unsent): Promise<void> {
    if (revocation.kind === 'remove') return this.backend.remove(revocation.key, revocation.announcement);
    const ttlMs = revocation.expiresAt - Date.now();
    return ttlMs > 0 ? this.backend.write(revocation.entries, ttlMs, revocation.announcement) : Promise.resolve();
  }

  private keep(revocation: Unsent): void {
    this.unsent.push(revocation);
    if (this.unsent.length > UNSENT_CAPACITY) this.unsent.shift();
    this.resendWhenReady();
  }

  private resendWhenReady(): void {
    if (this.waiting || this.resending || this.store.kind !== 'redis') return;
    this.waiting = true;
    this.store.client.once('ready', () => {
      this.waiting = false;
      void this.resend();
    });
  }

  /** Once the store is back: writes what waited, in order; stops and waits again if the store fails anew. */
  private async resend(): Promise<void> {
    this.resending = true;
    try {
      while (this.unsent.length > 0) {
        await this.deliver(this.unsent[0]!);
        this.unsent.shift();
      }
    } catch (error) {
      storeUnavailable('revocations:write', error, this.logger);
    } finally {
      this.resending = false;
    }
    if (this.unsent.length > 0) this.resendWhenReady();
  }
}

/**
 * The gateway's side: the standing of a token's holder, and the revocations as they happen. While the store fails
 * (Redis down) it fails open (decision 0059): what this process last read or heard for a key holds, however old, and a
 * key it knows nothing of counts as not revoked. A session ended during the outage thus keeps its access token until
 * the token expires (15 minutes) or Redis is back; its refresh token is dead at once, in members' database.
 * A process that has never read the store (it started during the outage) knows nothing of revocations made before:
 * tokens issued before it started are `unverifiable` until the store answers once (decision 0062).
 */
export class RevocationReader {
  private readonly cache = new Map<string, { value: string | null; expiresAt: number }>();
  /**
   * Every revocation read or heard, kept past its freshness and past the store forgetting it (an emptied or replaced
   * Redis answers nothing): an ended session stays ended, a suspension or closure holds until the tokens it refuses
   * have expired unless its reinstatement or reopening is heard. Only revocations: the capacity is not spent on nothing.
   */
  private readonly lastKnown = new Map<string, { value: string; keepUntil: number }>();
  private readonly listeners = new Set<(revocation: Revocation) => void>();
  /** Moves on with every revocation heard, so a read that began before one does not cache what it read. */
  private generation = 0;
  private stopListening: (() => Promise<void>) | null = null;
  /** When this process started reading revocations; tokens issued before are unverifiable until the store answered once. */
  private readonly startedAt = Date.now();
  /** Whether the store has answered a read since the start: until then this process knows no revocation made before it. */
  private storeRead: boolean;

  private constructor(
    private readonly backend: Backend,
    private readonly logger: Logger,
    storeRead: boolean,
  ) {
    this.storeRead = storeRead;
  }

  /** Resolves once revocations announced from now on are heard, or at once while Redis is down (heard once it is back). */
  static async open(store: FastStore, logger: Logger = createLogger('revocations')): Promise<RevocationReader> {
    // The in-process stand-in holds everything written in this process: nothing made before it is unknown to it.
    const reader = new RevocationReader(backendFor(store, logger), logger, store.kind === 'memory');
    reader.stopListening = await reader.backend.listen(
      (revocation) => reader.heard(revocation),
      () => reader.forgetAll(),
    );
    return reader;
  }

  async standing(holder: TokenHolder): Promise<Standing> {
    const member = holder.associationId && holder.memberId ? memberKey(holder.associationId, holder.memberId) : null;
    const association = holder.associationId && !holder.support ? associationKey(holder.associationId) : null;
    const keys = [holder.sessionId ? sessionKey(holder.sessionId) : null, member, association];
    const [session, suspension, closed] = await this.read(keys);
    const entry = suspension ? parseJson(suspensionSchema, suspension) : null;
    const closure = closed ? parseJson(closureSchema, closed) : null;
    return {
      sessionEnded: session !== null,
      suspension: entry && issuedBy(holder, entry.since) ? entry : null,
      associationClosed: closure && issuedBy(holder, closure.since) ? closure : null,
      // iat is whole seconds: a token of the starting second counts as issued after, or a client that logged in then
      // would be sent to refresh until the next second. A revocation within that second before the start is missed.
      unverifiable: !this.storeRead && Math.floor(holder.issuedAt.getTime() / 1000) < Math.floor(this.startedAt / 1000),
    };
  }

  /**
   * The association's closure, whenever it came: an API key of a closed association was made while it was open, and
   * the gateway's cache of its verification may be older than the closing.
   */
  async associationClosure(associationId: string): Promise<AssociationClosure | null> {
    const [closed] = await this.read([associationKey(associationId)]);
    return closed ? parseJson(closureSchema, closed) : null;
  }

  /** Calls the listener with every revocation announced from now on; returns how to stop. */
  watch(listener: (revocation: Revocation) => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.listeners.clear();
    await this.stopListening?.();
    this.stopListening = null;
  }

  /**
   * Values from the local cache while fresh, the rest from the store; cached only if nothing was revoked meanwhile.
   * When the store fails, the last known values stand in (see the class).
   */
  private async read(keys: (string | null)[]): Promise<(string | null)[]> {
    const now = Date.now();
    const answers = new Map<string, string | null>();
    const missing: string[] = [];
    for (const key of keys) {
      if (key === null) continue;
      const cached = this.cache.get(key);
      if (cached && cached.expiresAt > now) answers.set(key, cached.value);
      else missing.push(key);
    }
    if (missing.length > 0) {
      const generation = this.generation;
      const values = await this.backend.read(missing).then(
        (read) => {
          this.storeRead = true;
          return read;
        },
        (error: unknown) => {
          storeUnavailable('revocations', error, this.logger);
          return missing.map(() => null);
        },
      );
      const current = generation === this.generation;
      missing.forEach((key, i) => {
        const read = values[i] ?? null;
        // A revocation read is learnt; nothing read never clears one learnt before (only a reinstatement heard does).
        if (read !== null && current) this.know(key, read);
        const value = read ?? this.known(key);
        answers.set(key, value);
        if (current) this.remember(key, value);
      });
    }
    return keys.map((key) => (key === null ? null : (answers.get(key) ?? null)));
  }

  private remember(key: string, value: string | null): void {
    this.cache.delete(key);
    this.cache.set(key, { value, expiresAt: Date.now() + LOCAL_CACHE_MS });
    const oldest = this.cache.keys().next().value;
    if (this.cache.size > LOCAL_CACHE_CAPACITY && oldest !== undefined) this.cache.delete(oldest);
  }

  /** The revocation learnt for the key, while the tokens it refuses can still live. */
  private known(key: string): string | null {
    const entry = this.lastKnown.get(key);
    if (!entry) return null;
    if (entry.keepUntil > Date.now()) return entry.value;
    this.lastKnown.delete(key);
    return null;
  }

  private know(key: string, value: string): void {
    const previous = this.lastKnown.get(key);
    // A suspension or closure counts from its `since`; an ended session from when this process first learnt of it.
    const since = key.startsWith('session:') ? (previous ? null : Date.now()) : sinceOf(value);
    const keepUntil = since === null ? previous!.keepUntil : since + KEEP_KNOWN_MS;
    this.lastKnown.delete(key);
    this.lastKnown.set(key, { value, keepUntil });
    const oldest = this.lastKnown.keys().next().value;
    if (this.lastKnown.size > LOCAL_CACHE_CAPACITY && oldest !== undefined) this.lastKnown.delete(oldest);
  }

  private heard(revocation: Revocation): void {
    this.generation++;
    for (const [key, value] of announcedValues(revocation)) {
      this.cache.delete(key);
      if (value === null) this.lastKnown.delete(key);
      else this.know(key, value);
    }
    for (const listener of this.listeners) listener(revocation);
  }

  /** After a reconnection announcements may have been missed, so nothing read before is trusted. */
  private forgetAll(): void {
    this.generation++;
    this.cache.clear();
  }
}

const sessionKey = (sessionId: string) => `session:${sessionId}`;
const memberKey = (associationId: string, memberId: string) => `member:${associationId}:${memberId}`;
const associationKey = (associationId: string) => `association:${associationId}`;

/** What an announcement says each of its keys now holds, as the store holds it. */
function announcedValues(revocation: Revocation): [string, string | null][] {
  if (revocation.kind === 'sessions-ended') return revocation.sessionIds.map((id) => [sessionKey(id), '1']);
  if (revocation.kind === 'suspended') return [[memberKey(revocation.associationId, revocation.memberId), JSON.stringify(revocation.suspension)]];
  if (revocation.kind === 'reinstated') return [[memberKey(revocation.associationId, revocation.memberId), null]];
  if (revocation.kind === 'association-closed') return [[associationKey(revocation.associationId), JSON.stringify(revocation.closure)]];
  return [[associationKey(revocation.associationId), null]];
}

/** When a stored suspension or closure began, in ms; now when it cannot be read (it then counts as absent anyway). */
function sinceOf(value: string): number {
  const since = parseJson(z.object({ since: z.iso.datetime() }), value)?.since;
  return since ? Date.parse(since) : Date.now();
}

/** Token times are whole seconds: a token from the second of a revocation counts as issued before it. */
function issuedBy(holder: TokenHolder, since: string): boolean {
  return Math.floor(holder.issuedAt.getTime() / 1000) <= Math.floor(Date.parse(since) / 1000);
}

/** The fast store as revocations use it: Redis keys and pub/sub, or their in-process stand-ins. */
interface Backend {
  write(entries: { key: string; value: string }[], ttlMs: number, announcement: Revocation): Promise<void>;
  remove(key: string, announcement: Revocation): Promise<void>;
  read(keys: string[]): Promise<(string | null)[]>;
  /** Starts hearing announcements; `resynced` is called whenever some may have been missed. */
  listen(heard: (revocation: Revocation) => void, resynced: () => void): Promise<() => Promise<void>>;
}

function backendFor(store: FastStore, logger?: Logger): Backend {
  return store.kind === 'redis' ? redisBackend(store.client, `${store.namespace}:revoked`, logger) : memoryBackend(store);
}

/** Whatever another process wrote is checked before it is believed; anything malformed counts as absent. */
function parseJson<T>(schema: z.ZodType<T>, text: string): T | null {
  try {
    const parsed = schema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

function redisBackend(client: Redis, prefix: string, logger?: Logger): Backend {
  const channel = `${prefix}:announcements`;
  return {
    async write(entries, ttlMs, announcement) {
      // Not sent while disconnected, as reads: the writer keeps it for when the store is back.
      if (client.status !== 'ready') throw new Error(`Redis connection ${client.status}`);
      const batch = client.multi();
      for (const { key, value } of entries) batch.set(`${prefix}:${key}`, value, 'PX', ttlMs);
      batch.publish(channel, JSON.stringify(announcement));
      await batch.exec();
    },
    async remove(key, announcement) {
      if (client.status !== 'ready') throw new Error(`Redis connection ${client.status}`);
      await client.multi().del(`${prefix}:${key}`).publish(channel, JSON.stringify(announcement)).exec();
    },
    async read(keys) {
      // Not sent while disconnected: the reader falls back at once rather than wait for reconnection attempts.
      if (client.status !== 'ready') throw new Error(`Redis connection ${client.status}`);
      return client.mget(keys.map((key) => `${prefix}:${key}`));
    },
    async listen(heard, resynced) {
      // A subscribed connection can do nothing else; ioredis subscribes again by itself after reconnecting.
      const subscriber = subscriberConnection(client);
      subscriber.on('message', (_channel: string, message: string) => {
        const revocation = parseJson(revocationSchema, message);
        if (revocation) heard(revocation);
      });
      subscriber.on('ready', resynced);
      // Reconnecting is ioredis's job; until it succeeds, the local cache's lifetime bounds what is missed. Every
      // attempt fails while Redis is down: counted, and logged at most once in a while (decision 0059).
      const unavailable = (error: Error) => storeUnavailable('revocations:announcements', error, logger);
      subscriber.on('error', unavailable);
      return subscribeWhenReachable(client, subscriber, channel, unavailable);
    },
  };
}

interface MemoryState {
  entries: Map<string, { value: string; expiresAt: number }>;
  announcements: EventEmitter;
}

/** One state per embedded store, so members and the gateway in one process share it as they would share Redis. */
const memoryStates = new WeakMap<FastStore, MemoryState>();

function memoryBackend(store: FastStore): Backend {
  let state = memoryStates.get(store);
  if (!state) {
    state = { entries: new Map(), announcements: new EventEmitter() };
    state.announcements.setMaxListeners(0);
    memoryStates.set(store, state);
  }
  const { entries, announcements } = state;
  const prune = (now: number) => {
    for (const [key, entry] of entries) if (entry.expiresAt <= now) entries.delete(key);
  };
  return {
    async write(written, ttlMs, announcement) {
      const now = Date.now();
      prune(now);
      for (const { key, value } of written) entries.set(key, { value, expiresAt: now + ttlMs });
      announcements.emit('revocation', announcement);
    },
    async remove(key, announcement) {
      entries.delete(key);
      announcements.emit('revocation', announcement);
    },
    async read(keys) {
      const now = Date.now();
      return keys.map((key) => {
        const entry = entries.get(key);
        return entry && entry.expiresAt > now ? entry.value : null;
      });
    },
    async listen(heard) {
      announcements.on('revocation', heard);
      return async () => void announcements.off('revocation', heard);
    },
  };
}
