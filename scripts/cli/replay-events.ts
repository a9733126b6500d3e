import { tunetEvents } from '@tunet/events';
import {
  closeFastStore,
  consumerGroupsOf,
  createMissingGroups,
  openEventStream,
  openFastStore,
  outboxKeepRelayedMs,
  REPLAY_MAX_LAG,
  ReplayedEntries,
  replayRelayedEvents,
  requireEnv,
  streamBacklog,
  waitForConsumers,
  type DatabaseConnection,
} from '@tunet/kit';
import { SUBGRAPHS } from '../subgraph-registry';
import { flagValues, subgraphDatabase, UsageError, withDatabase, type Command } from './cli';

/** An ISO 8601 time with its zone (`2026-12-07T06:00:00Z`, `…+01:00`): a bare local time would be read in the server's zone. */
const ISO_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(?:Z|[+-](\d{2}):(\d{2}))$/;

/**
 * For platform operators after Redis lost events (emptied, restored from an older snapshot): appends every event
 * each subgraph's outbox relayed since the time to the stream again, with its own event id, so the consumers get
 * what they missed and skip what they had (decision 0052). The outbox keeps relayed events OUTBOX_KEEP_RELAYED_HOURS
 * (72 by default). First it creates, reading from the stream's start, each consumer group the event contracts name
 * that the stream lacks (after Redis was emptied, all of them), so a consumer down during the replay finds the events
 * waiting when it starts. Paced: a batch waits while a consumer group has more than REPLAY_MAX_LAG events still to
 * read, so the capped stream never trims replayed events before the groups read them. Against DATABASE_URL and
 * REDIS_URL.
 */
export const replayEventsCommand: Command = {
  name: 'replay-events',
  usage:
    `replay-events --since <ISO time, e.g. 2026-12-07T06:00:00Z> [--subgraph <producer>] [--group <consumer group>]   (subgraphs and groups: ${SUBGRAPHS.map((s) => s.name).join(', ')}; ` +
    `creates missing consumer groups at the stream's start; paced: waits while a consumer group is more than ${REPLAY_MAX_LAG} events behind, so a group whose consumers are down holds it)`,
  async run(rest) {
    const names = SUBGRAPHS.map((s) => s.name as string);
    const parsed = parseReplayArguments(rest, { names, now: new Date(), keepRelayedMs: outboxKeepRelayedMs() });
    if ('refused' in parsed) {
      console.error(parsed.refused);
      return 1;
    }
    const { since, subgraph, group } = parsed;
    return withDatabase((database) => replay(database, subgraph ? [subgraph] : names, since, group));
  },
};

export interface ReplayArguments {
  since: Date;
  subgraph?: string;
  group?: string;
}

/**
 * `--since <time> [--subgraph <producer>] [--group <group>]`, checked before anything is opened. A UsageError for a
 * malformed line; a refusal, with the reason, for a time that is not a real one (`2026-02-30T00:00:00Z` would
 * silently be March 2nd) or one older than the outboxes keep relayed events (`keepRelayedMs`, the relay's
 * OUTBOX_KEEP_RELAYED_HOURS): events before that are gone, and a replay from then would claim more than it sends.
 */
export function parseReplayArguments(
  rest: string[],
  context: { names: readonly string[]; now: Date; keepRelayedMs: number },
): ReplayArguments | { refused: string } {
  const flags = flagValues(rest, ['--since', '--subgraph', '--group']);
  const [since, subgraph, group] = ['--since', '--subgraph', '--group'].map((flag) => {
    const values = flags.get(flag) ?? [];
    if (values.length > 1) throw new UsageError();
    return values[0];
  });
  const time = ISO_TIME.exec(since ?? '');
  if (!since || !time) throw new UsageError();
  if ((subgraph !== undefined && !context.names.includes(subgraph)) || (group !== undefined && !context.names.includes(group))) throw new UsageError();
  if (!isRealTime(time)) return { refused: `--since ${since} is not a real date and time` };
  const oldest = new Date(context.now.getTime() - context.keepRelayedMs);
  if (Date.parse(since) < oldest.getTime()) {
    return {
      refused:
        `--since ${since} is before ${oldest.toISOString()}: the outboxes keep relayed events ${context.keepRelayedMs / 3_600_000} hours ` +
        '(OUTBOX_KEEP_RELAYED_HOURS, as the subgraphs have it), so the older ones are gone; replay from a later time',
    };
  }
  return { since: new Date(since), ...(subgraph ? { subgraph } : {}), ...(group ? { group } : {}) };
}

/** Its date and clock fields are what they say: no 30 February, no hour 24, no offset past ±23:59. */
function isRealTime([, year, month, day, hour, minute, second = '0', offsetHour = '0', offsetMinute = '0']: RegExpExecArray): boolean {
  const fields = [year!, month!, day!, hour!, minute!, second].map(Number) as [number, number, number, number, number, number];
  const utc = new Date(Date.UTC(fields[0], fields[1] - 1, fields[2], fields[3], fields[4], fields[5]));
  return (
    utc.getUTCFullYear() === fields[0] &&
    utc.getUTCMonth() === fields[1] - 1 &&
    utc.getUTCDate() === fields[2] &&
    utc.getUTCHours() === fields[3] &&
    utc.getUTCMinutes() === fields[4] &&
    utc.getUTCSeconds() === fields[5] &&
    Number(offsetHour) <= 23 &&
    Number(offsetMinute) <= 59
  );
}

async function replay(database: DatabaseConnection, names: string[], since: Date, group: string | undefined): Promise<number> {
  const store = await openFastStore(requireEnv('REDIS_URL'));
  const stream = openEventStream(store);
  const replayed = new ReplayedEntries(store);
  const room = waitForConsumers({
    stats: () => streamBacklog(store, replayed),
    onWait: (waitingFor, lag) => console.log(JSON.stringify({ waitingFor, lag, until: `at most ${REPLAY_MAX_LAG} events behind` })),
  });
  let failed = 0;
  try {
    const created = await createMissingGroups(store, consumerGroupsOf(tunetEvents));
    if (created.length > 0) console.log(JSON.stringify({ createdGroups: created, readingFrom: 'the start of the stream' }));
    for (const name of names) {
      // One subgraph's schema missing (not migrated in this database) must not keep the others' events back.
      const count = await replayRelayedEvents(subgraphDatabase(database, name), stream, { since, group, room, appended: replayed.appended }).catch(
        (error: unknown) => {
          console.error(`${name}: not replayed: ${error instanceof Error && error.cause instanceof Error ? error.cause.message : String(error)}`);
          failed = 1;
          return undefined;
        },
      );
      if (count !== undefined) console.log(JSON.stringify({ subgraph: name, replayed: count, since: since.toISOString(), group: group ?? 'every group' }));
    }
    return failed;
  } finally {
    await closeFastStore(store);
  }
}
