import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { closeFastStore, DatabaseConnection, openFastStore, type Event } from '@tunet/kit';
import { createNotificationsSubgraph } from '@tunet/notifications';
import { StaticDirectory } from '@tunet/notifications/src/notifications.fixtures';
import { SMTPServer } from 'smtp-server';

/**
 * The notice every resident must get: the board publishes one important notice to an association of 2,000
 * residents. Each round hands one `post.published` event to the notifications ingest (as the stream consumer
 * does) and times (1) until every inbox item and queued e-mail is stored — the point where the event may be
 * acknowledged — and (2) until the dispatcher has handed all 2,000 e-mails to an SMTP server on loopback, which
 * accepts and discards them. Recipients come from an in-memory directory: members' recipients route, one SQL
 * statement for the whole audience, is measured by its own test. Uses PGlite unless DATABASE_URL is set.
 */
const RESIDENTS = Number(process.env.BENCH_FANOUT_RESIDENTS ?? 2_000);
const ROUNDS = Number(process.env.BENCH_FANOUT_ROUNDS ?? 3);

async function main(): Promise<void> {
  const smtp = await startSinkSmtpServer();
  const database = await DatabaseConnection.open({ url: process.env.DATABASE_URL });
  const store = await openFastStore(process.env.REDIS_URL, `bench-${Date.now()}`);
  const directory = new StaticDirectory();
  const associationId = randomUUID();
  directory.addAssociation({ id: associationId, name: 'Storblokka borettslag' });
  const board = directory.add({ associationId, board: true, displayName: 'Styreleder' });
  for (let i = 0; i < RESIDENTS - 1; i++) directory.add({ associationId, displayName: `Beboer ${i}`, email: `beboer${i}@storblokka.test` });
  const subgraph = await createNotificationsSubgraph({
    database,
    store,
    internalSecret: randomUUID(),
    directory,
    config: { email: { smtpUrl: smtp.url, from: 'Storblokka <varsler@tunet.test>' }, webPush: null, fcm: null, apns: null, sms: null },
  });
  await subgraph.migrate();
  console.log(`backend: ${database.backend}, node ${process.version}, ${ROUNDS} rounds of one important notice to ${RESIDENTS} residents`);

  const rows: string[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    const before = smtp.accepted;
    const started = performance.now();
    const stored = await subgraph.ingest.handle(importantNotice(associationId, board.memberId, round));
    const storedMs = performance.now() - started;
    // The author is not told of their own notice: everyone else gets an inbox item and an e-mail.
    const expected = RESIDENTS - 1;
    while (smtp.accepted - before < expected) {
      if ((await subgraph.dispatcher.runOnce()) === 0)
        throw new Error(`round ${round}: ${smtp.accepted - before} of ${expected} e-mails sent, none left to claim`);
    }
    const sentMs = performance.now() - started;
    rows.push(
      `| ${round} | ${stored.notifications} | ${storedMs.toFixed(0)} ms | ${(stored.notifications / (storedMs / 1000)).toFixed(0)} /s | ${sentMs.toFixed(0)} ms | ${(expected / (sentMs / 1000)).toFixed(0)} /s |`,
    );
    console.log(
      `round ${round}: ${stored.notifications} inbox items and ${stored.queued} e-mails stored in ${storedMs.toFixed(0)} ms; all ${expected} e-mails accepted by SMTP after ${sentMs.toFixed(0)} ms`,
    );
  }
  console.log('\n| round | inbox items | stored | stored/s | all e-mails at SMTP | e-mails/s |\n|---|---|---|---|---|---|');
  for (const row of rows) console.log(row);
  await database.close();
  await closeFastStore(store);
  await smtp.close();
}

function importantNotice(associationId: string, authorMemberId: string, round: number): Event {
  return {
    eventId: randomUUID(),
    topic: 'post.published',
    associationId,
    occurredAt: new Date(),
    payload: {
      postId: randomUUID(),
      kind: 'news',
      title: `Vannet stenges tirsdag (${round})`,
      excerpt: 'Rørleggeren bytter stoppekraner i alle oppganger mellom 09 og 14.',
      audience: { kind: 'association', id: null },
      important: true,
      authorMemberId,
      publishedAt: new Date().toISOString(),
    },
  };
}

/** An SMTP server that accepts every message and discards it, counting, so only the sending side is measured. */
async function startSinkSmtpServer() {
  let accepted = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, _session, callback) {
      stream.on('end', () => {
        accepted += 1;
        callback();
      });
      stream.resume();
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `smtp://127.0.0.1:${(server.server.address() as AddressInfo).port}`,
    get accepted() {
      return accepted;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

// The pooled SMTP connections are the subgraph's background jobs' to close, which this benchmark never starts.
main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
