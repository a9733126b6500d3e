import { tunetEvents } from '@tunet/events';
import {
  AlreadyReplayed,
  closeFastStore,
  createLogger,
  DeadLetters,
  openEventStream,
  openFastStore,
  requireEnv,
  type DatabaseConnection,
  type DeadLetter,
} from '@tunet/kit';
import { SUBGRAPHS } from '../subgraph-registry';
import { subgraphDatabase, UsageError, withDatabase, type Command } from './cli';

/**
 * For platform operators: the events each subgraph's consumer set aside (a payload that broke its contract, a
 * handler that kept failing), replaying one once the cause is fixed, and deleting one dealt with. Against DATABASE_URL
 * (and REDIS_URL to replay).
 */
export const deadLettersCommand: Command = {
  name: 'dead-letters',
  usage: `dead-letters list [<subgraph>] | replay <subgraph> <id> [--again] | delete <subgraph> <id>   (subgraphs: ${SUBGRAPHS.map((s) => s.name).join(', ')})`,
  async run([action, name, id, flag, ...extra]) {
    const names = SUBGRAPHS.map((subgraph) => subgraph.name as string);
    if ((name !== undefined && !names.includes(name)) || extra.length > 0) throw new UsageError();
    if (action === 'list' && id === undefined && flag === undefined) return withDatabase((database) => list(database, name ? [name] : names));
    if (action === 'replay' && name && id && /^\d+$/.test(id) && (flag === undefined || flag === '--again')) {
      return withDatabase((database) => replay(database, name, Number(id), flag === '--again'));
    }
    if (action === 'delete' && name && id && /^\d+$/.test(id) && flag === undefined) return withDatabase((database) => remove(database, name, Number(id)));
    throw new UsageError();
  },
};

async function list(database: DatabaseConnection, names: string[]): Promise<number> {
  let failed = 0;
  for (const name of names) {
    // One subgraph's schema missing (not migrated in this database) must not hide the others' dead letters.
    const letters = await new DeadLetters(subgraphDatabase(database, name)).list().catch((error: unknown) => {
      console.error(`${name}: dead letters unreadable: ${messageOf(error)}`);
      failed = 1;
      return [];
    });
    for (const letter of letters) console.log(JSON.stringify({ subgraph: name, ...shown(letter) }));
  }
  return failed;
}

async function replay(database: DatabaseConnection, name: string, id: number, again: boolean): Promise<number> {
  const store = await openFastStore(requireEnv('REDIS_URL'));
  try {
    const letter = await new DeadLetters(subgraphDatabase(database, name)).replay(id, openEventStream(store), { again }).catch((error: unknown) => {
      if (!(error instanceof AlreadyReplayed)) throw error;
      console.error(`${error.message}; pass --again to send it once more`);
      return undefined;
    });
    if (letter === undefined) return 1;
    if (!letter) {
      console.error(`no dead letter ${id} in ${name}`);
      return 1;
    }
    console.log(JSON.stringify({ subgraph: name, replayed: shown(letter) }));
    return 0;
  } finally {
    await closeFastStore(store);
  }
}

/**
 * Once dealt with (replayed, or not worth replaying), a dead letter goes; it holds the event's personal data, so what
 * is printed, and logged as a warning for the record of who removed what, names the event without its payload.
 */
async function remove(database: DatabaseConnection, name: string, id: number): Promise<number> {
  const letter = await new DeadLetters(subgraphDatabase(database, name)).delete(id);
  if (!letter) {
    console.error(`no dead letter ${id} in ${name}`);
    return 1;
  }
  const deleted = deletedLetter(letter);
  createLogger('tunet-cli').warn({ subgraph: name, deadLetter: deleted }, 'dead letter deleted');
  console.log(JSON.stringify({ subgraph: name, deleted }));
  return 0;
}

/** What names a deleted dead letter in the output and the log: never its payload, which holds personal data. */
export function deletedLetter(letter: DeadLetter): { id: number; group: string; topic: string; eventId: string } {
  return { id: letter.id, group: letter.group, topic: letter.event.topic, eventId: letter.event.eventId };
}

/** Drizzle wraps the driver's error; its own message says what is wrong (a schema not migrated, a missing role). */
function messageOf(error: unknown): string {
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  return cause instanceof Error ? cause.message : String(cause);
}

/** The dead letter as an operator sees it: a payload field the contract marks secret (a one-time token) is masked. */
function shown(letter: DeadLetter) {
  const contract = Object.hasOwn(tunetEvents, letter.event.topic) ? tunetEvents[letter.event.topic as keyof typeof tunetEvents] : undefined;
  const payload = { ...letter.event.payload };
  for (const field of contract?.secrets ?? []) if (field in payload) payload[field] = '[secret]';
  return { ...letter, event: { ...letter.event, payload } };
}
