import { Redis } from 'ioredis';
import { Gauge } from 'prom-client';
import { createLogger } from './logger';
import { logRedisErrors } from './redis-errors';

/**
 * The shared fast store behind rate limits, caches and the event stream.
 * Production and tests use a real Redis; the embedded default uses in-process stand-ins behind the same
 * interfaces, which is only correct while everything runs in one process.
 */
export type FastStore = ({ kind: 'redis'; client: Redis } | { kind: 'memory' }) & {
  /** Prefix of every key, so several deployments or test runs can share one Redis. */
  namespace: string;
};

/**
 * How long a command may wait for its answer, queued while the client reconnects or sent to a server that stopped
 * answering. Redis answers in well under a millisecond; without a bound, a command against a dead Redis waited for
 * the client's reconnection attempts, seconds each (a wrong password took 7.9 s while Redis was down, decision 0053).
 * While Redis is known to be down, callers fail fast without waiting at all (the not-ready shortcut), so the bound only
 * matters for a Redis that hangs with its connection open: 2 s, not less, because an event-loop stall of a loaded
 * process (a garbage collection, argon2 on 2 cores) would otherwise fail healthy commands, and a fail-open check would
 * then let a revoked token or a replayed nonce through. REDIS_COMMAND_TIMEOUT_MS overrides it.
 * A blocking read (XREADGROUP BLOCK) and pub/sub must use a connection without it: see `blockingConnection`.
 */
export const COMMAND_TIMEOUT_MS = 2000;

/** REDIS_COMMAND_TIMEOUT_MS, or the default; a value that is not a whole number of milliseconds from 1 stops the start. */
export function commandTimeoutFromEnv(env: NodeJS.ProcessEnv): number {
  const value = env.REDIS_COMMAND_TIMEOUT_MS;
  if (value === undefined || value === '') return COMMAND_TIMEOUT_MS;
  if (!/^\d+$/.test(value) || Number(value) < 1)
    throw new Error(`REDIS_COMMAND_TIMEOUT_MS must be a whole number of milliseconds, at least 1 (got '${value}')`);
  return Number(value);
}

const connected = new Gauge({
  name: 'tunet_fast_store_connected',
  help: "1 while the process's fast store (Redis) client is connected and ready, 0 while it is connecting or reconnecting.",
});

/**
 * How long a process may run without ever reaching its Redis before it logs an error: readiness stays green through
 * an outage (decision 0062), so a mistyped REDIS_URL would otherwise only show as warnings and the gauge.
 */
export const NEVER_CONNECTED_ALARM_MS = 2 * 60_000;

/** Keeps tunet_fast_store_connected up to date, and logs an error if the client has not connected in time. */
function watchConnection(client: Redis, logger: ReturnType<typeof createLogger>): void {
  connected.set(client.status === 'ready' ? 1 : 0);
  client.on('ready', () => connected.set(1));
  client.on('close', () => connected.set(0));
  if (client.status === 'ready') return;
  const alarm = setTimeout(
    () => logger.error({ afterMs: NEVER_CONNECTED_ALARM_MS, status: client.status }, 'Redis not reached since the start: check REDIS_URL and Redis'),
    NEVER_CONNECTED_ALARM_MS,
  );
  alarm.unref();
  client.once('ready', () => clearTimeout(alarm));
  client.once('end', () => clearTimeout(alarm));
}

/**
 * The store at `url`, or the in-process stand-in without one. A Redis that cannot be reached now does not stop the
 * start (decision 0062): the client keeps reconnecting in the background, every use fails open or waits meanwhile
 * (decisions 0053, 0059), and subscriptions and consumer groups are made once it is back. A Redis that answers and
 * refuses the connection (a wrong password, a database number it does not have) is a wrong configuration, not an
 * outage: that stops the start.
 */
export async function openFastStore(url: string | undefined, namespace = 'tunet', commandTimeoutMs = commandTimeoutFromEnv(process.env)): Promise<FastStore> {
  if (!url) return { kind: 'memory', namespace };
  // No maintenance notifications: a Redis Enterprise feature, asked for on every connection and refused by the Redis
  // Tunet documents, each refusal counted in its error statistics (decision 0027).
  const client = new Redis(url, {
    maxRetriesPerRequest: 2,
    enableOfflineQueue: true,
    lazyConnect: true,
    commandTimeout: commandTimeoutMs,
    maintNotifications: 'disabled',
  });
  // Structured and throttled, for this client and its duplicates, instead of ioredis' own stderr line per attempt.
  const logger = createLogger('redis');
  logRedisErrors(client, logger);
  // connect() rejects with a bare "Connection is closed."; the cause comes as an error event just before.
  let refused: Error | undefined;
  const noteRefusal = (error: Error) => void (error.name === 'ReplyError' && (refused ??= error));
  client.on('error', noteRefusal);
  try {
    await client.connect();
  } catch (error) {
    if (refused) {
      client.disconnect();
      throw refused;
    }
    logger.warn({ err: error, status: client.status }, 'Redis unreachable at start: starting without it and connecting in the background');
  } finally {
    client.off('error', noteRefusal);
  }
  await refuseWrongDatabase(client);
  watchConnection(client, logger);
  return { kind: 'redis', client, namespace };
}

/**
 * ioredis reports a SELECT refused at connect (a database number the server does not have) as an error event and
 * goes on in database 0, another deployment's namespace: asked again here, the refusal stops the start.
 */
async function refuseWrongDatabase(client: Redis): Promise<void> {
  const db = client.options.db ?? 0;
  if (db === 0 || client.status !== 'ready') return;
  try {
    await client.select(db);
  } catch (error) {
    client.disconnect();
    throw error;
  }
}

export async function pingFastStore(store: FastStore): Promise<void> {
  if (store.kind === 'redis') await store.client.ping();
}

export async function closeFastStore(store: FastStore): Promise<void> {
  if (store.kind === 'redis') await closeConnection(store.client);
}

/**
 * QUIT when connected, so what was sent is answered first; else a disconnect, which ends the connection at once and
 * fails what waited for it. A QUIT while reconnecting would queue behind those commands, and the connection would
 * go on reconnecting (and a subscriber resubscribing) after its owner let go of it. Waited for `waitMs` at most: a
 * Redis that holds the connection open without answering (frozen, cut off without a reset) would hold a QUIT, which
 * pub/sub connections do not time out, for good; the connection is then disconnected.
 */
export async function closeConnection(client: Redis, waitMs = 1000): Promise<void> {
  if (client.status === 'end') return;
  let timer: NodeJS.Timeout | undefined;
  let ended: () => void = () => undefined;
  const done = new Promise<void>((resolve) => {
    ended = resolve;
    client.once('end', resolve);
    timer = setTimeout(resolve, waitMs);
  });
  if (client.status === 'ready') client.quit().catch(() => undefined);
  else client.disconnect();
  await done;
  clearTimeout(timer);
  client.off('end', ended);
  // Read anew: the status changed while this waited.
  if ((client.status as Redis['status']) !== 'end') client.disconnect();
}

/**
 * A connection of its own for pub/sub. No command timeout (decision 0059): SUBSCRIBE waits for the new connection,
 * longer than a command may on a busy host. No retry limit either: while Redis is away, SUBSCRIBE waits for it
 * however long that takes, rather than fail after a few reconnection attempts and never be made (decision 0062).
 */
export function subscriberConnection(client: Redis, connectionName?: string): Redis {
  return client.duplicate({ connectionName, commandTimeout: undefined, maxRetriesPerRequest: null });
}

/** How long a start waits for SUBSCRIBE while the store's client is connected, before it goes on without it. */
export const SUBSCRIBE_WAIT_MS = 5000;

/**
 * Subscribes `subscriber` to `channel`: awaited while the store's client is connected, so messages published from
 * then on are heard; made in the background while it is not (Redis down when the process starts, decision 0062), so
 * the start goes on and the subscription is made once Redis is back. Awaited `waitMs` at most: Redis may die between
 * the two connections or refuse the second (maxclients), and the SUBSCRIBE, which has no retry limit, would hold the
 * start silently; it then goes on in the background too, logged. Returns how to stop: QUIT when connected, else a
 * disconnect, which also drops a SUBSCRIBE still waiting (a QUIT would wait behind it).
 */
export async function subscribeWhenReachable(
  client: Redis,
  subscriber: Redis,
  channel: string,
  failed: (error: Error) => void,
  waitMs = SUBSCRIBE_WAIT_MS,
): Promise<() => Promise<void>> {
  let stopped = false;
  const subscribed = subscriber.subscribe(channel);
  const inBackground = () => void subscribed.catch((error: Error) => void (stopped || failed(error)));
  if (client.status === 'ready') {
    let timer: NodeJS.Timeout | undefined;
    const gaveUp = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), waitMs)));
    const outcome = await Promise.race([subscribed.then(() => 'made' as const), gaveUp])
      .catch((error: unknown) => {
        // Refused at once (an ACL without the channel): the start fails, and takes no connection with it.
        subscriber.disconnect();
        throw error;
      })
      .finally(() => clearTimeout(timer));
    if (outcome === 'late') {
      createLogger('redis').warn({ channel, waitMs }, 'SUBSCRIBE not answered in time: starting without it, subscribing in the background');
      inBackground();
    }
  } else inBackground();
  return async () => {
    stopped = true;
    await closeConnection(subscriber);
  };
}

/** A connection of its own for commands that wait on the server by design (XREADGROUP BLOCK), so without the command timeout. */
export function blockingConnection(client: Redis): Redis {
  return client.duplicate({ commandTimeout: undefined });
}
