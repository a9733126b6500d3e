import { closeFastStore, openEventStream, openFastStore, replayRelayedEvents, requireEnv, type DatabaseConnection } from '@tunet/kit';
import { SUBGRAPHS } from '../subgraph-registry';
import { flagValues, subgraphDatabase, UsageError, withDatabase, type Command } from './cli';

/** An ISO 8601 time with its zone (`2026-12-07T06:00:00Z`, `…+01:00`): a bare local time would be read in the server's zone. */
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * For platform operators after Redis lost events (emptied, restored from an older snapshot): appends every event
 * each subgraph's outbox relayed since the time to the stream again, with its own event id, so the consumers get
 * what they missed and skip what they had (decision 0052). The outbox keeps relayed events OUTBOX_KEEP_RELAYED_HOURS
 * (72 by default). Against DATABASE_URL and REDIS_URL.
 */
export const replayEventsCommand: Command = {
  name: 'replay-events',
  usage: `replay-events --since <ISO time, e.g. 2026-12-07T06:00:00Z> [--subgraph <producer>] [--group <consumer group>]   (subgraphs and groups: ${SUBGRAPHS.map((s) => s.name).join(', ')})`,
  async run(rest) {
    const flags = flagValues(rest, ['--since', '--subgraph', '--group']);
    const [since, subgraph, group] = ['--since', '--subgraph', '--group'].map((flag) => {
      const values = flags.get(flag) ?? [];
      if (values.length > 1) throw new UsageError();
      return values[0];
    });
    const names = SUBGRAPHS.map((s) => s.name as string);
    if (!since || !ISO_TIME.test(since) || Number.isNaN(Date.parse(since))) throw new UsageError();
    if ((subgraph !== undefined && !names.includes(subgraph)) || (group !== undefined && !names.includes(group))) throw new UsageError();
    return withDatabase((database) => replay(database, subgraph ? [subgraph] : names, new Date(since), group));
  },
};

async function replay(database: DatabaseConnection, names: string[], since: Date, group: string | undefined): Promise<number> {
  const store = await openFastStore(requireEnv('REDIS_URL'));
  const stream = openEventStream(store);
  let failed = 0;
  try {
    for (const name of names) {
      // One subgraph's schema missing (not migrated in this database) must not keep the others' events back.
      const count = await replayRelayedEvents(subgraphDatabase(database, name), stream, { since, group }).catch((error: unknown) => {
        console.error(`${name}: not replayed: ${error instanceof Error && error.cause instanceof Error ? error.cause.message : String(error)}`);
        failed = 1;
        return undefined;
      });
      if (count !== undefined) console.log(JSON.stringify({ subgraph: name, replayed: count, since: since.toISOString(), group: group ?? 'every group' }));
    }
    return failed;
  } finally {
    await closeFastStore(store);
  }
}
