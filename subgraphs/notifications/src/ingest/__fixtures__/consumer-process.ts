/**
 * A notifications consumer in a process of its own, for the test that kills one between storing an event and
 * acknowledging it: it stores what each event means, tells the parent (`{ stored: eventId }`), and then hangs
 * before the acknowledgement until the parent sends SIGKILL. Started by notification-events.int.test.ts with
 * DATABASE_URL, REDIS_URL, STREAM_NAMESPACE, CONSUMER_NAME and DIRECTORY (the StaticDirectory's JSON).
 */
import path from 'node:path';
import { DatabaseConnection, openEventStream, openFastStore, requireEnv, type Event } from '@tunet/kit';
import { acceptingSenders } from '../../dispatch/delivery.fixtures';
import type { AssociationInfo } from '../../model';
import { StaticDirectory, type DirectoryEntry } from '../../notifications.fixtures';
import { ingestOn, MEMBERS_TOPIC, membersRule } from '../ingest.fixtures';
import { notificationEvents } from '../notification-events';

async function main(): Promise<void> {
  const database = await DatabaseConnection.open({ url: requireEnv('DATABASE_URL') });
  const db = database.forSubgraph('notifications', path.resolve(__dirname, '../../../migrations'));
  const store = await openFastStore(requireEnv('REDIS_URL'), requireEnv('STREAM_NAMESPACE'));
  const directory = new StaticDirectory();
  const known = JSON.parse(requireEnv('DIRECTORY')) as { associations: AssociationInfo[]; entries: DirectoryEntry[] };
  for (const association of known.associations) directory.addAssociation(association);
  for (const entry of known.entries) directory.add(entry);
  const ingest = ingestOn(db, directory, membersRule, { senders: acceptingSenders() });
  const storeThenHang = {
    async handle(event: Event): Promise<void> {
      await ingest.handle(event);
      process.send!({ stored: event.eventId });
      // The open database pool and Redis connections keep the process alive, waiting for the SIGKILL.
      await new Promise<never>(() => {});
    },
  };
  // Reads both test events in one batch, so the kill leaves one handled-but-unacknowledged and one never begun.
  const options = { consumer: requireEnv('CONSUMER_NAME'), blockMs: 50, batchSize: 2, retryDelayMs: 10 };
  const consumer = notificationEvents(openEventStream(store), db, storeThenHang, [MEMBERS_TOPIC], options);
  consumer.start();
  process.send!({ ready: await consumer.started() });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
