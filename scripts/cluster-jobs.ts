import assert from 'node:assert/strict';
import type { ReceivedMail } from '@tunet/notifications/src/email/email.fixtures';
import { DEMO_RESOURCES } from '@tunet/reservations/src/reservations.demo';
import { accessToken, BOARD, gql, RESIDENT, type Answer } from './cluster-client';
import { REPLICAS, waitFor, type Cluster } from './cluster-topology';

/**
 * check:cluster (e): the periodic jobs that run in every replica do their work once across the replicas (decision
 * 0061). Arranged through the gateway and done by the real jobs while the other checks run: right after the cluster
 * is ready, an event with the resident signed up whose reminder falls due 15 s later (posts' event-reminder sweep in
 * both replicas, every 5 s here) and a booking of the resident's starting within the day (reservations'
 * booking-reminder sweep), whose reminders and their e-mails (notifications' dispatcher in both replicas, to the
 * check's SMTP server) must each come once, before (d); and a second event, whose reminder falls due as one replica
 * of each subgraph is killed, and must still come once. Each replica's metrics show that both ran these jobs; which
 * replica did a piece of work is not chosen here (the race itself is the int tests', decision 0061).
 */
export interface ArrangedWork {
  /** What it is, for the figures. */
  what: string;
  subjectId: string;
  arrangedAt: number;
  /** Its reminder's e-mail must have been sent: not for what is due during the kill (a delivery the killed dispatcher had claimed waits out its lease, 5 minutes). */
  emailBeforeTimeout: boolean;
}

const REMINDER_TITLE = /^(Påminnelse|Reminder): /;
/** The reminder sweeps' lead time (kit ReminderSweep). */
const REMINDER_LEAD_MS = 24 * 3_600_000;
const SENT = ['SENT', 'DELIVERED'];

/** Who arranges: the board creates events, the resident signs up and books. */
export interface Arrangers {
  board: string;
  resident: string;
}

/** Right after the cluster is ready: an event with the resident signed up, and a booking of theirs. */
export async function arrangeJobWork(url: string): Promise<{ arrangers: Arrangers; arranged: ArrangedWork[] }> {
  const arrangers = { board: await accessToken(url, BOARD), resident: await accessToken(url, RESIDENT) };
  // Its sign-up commits well before the reminder falls due (a late sign-up gets a reminder of its own otherwise).
  const event = await arrangeEvent(url, arrangers, 'the event', 15_000);
  const arrangedAt = Date.now();
  const booking = { what: 'the booking', subjectId: await bookSoon(url, arrangers.resident), arrangedAt, emailBeforeTimeout: true };
  return { arrangers, arranged: [event, booking] };
}

/**
 * An event with the resident signed up, whose reminder falls due in `dueInMs` (it starts then plus the 24-hour lead):
 * the sweep reminds those signed up when it claims the reminder, so the sign-up must come first.
 */
export async function arrangeEvent(
  url: string,
  { board, resident }: Arrangers,
  what: string,
  dueInMs: number,
  emailBeforeTimeout = true,
): Promise<ArrangedWork> {
  const arrangedAt = Date.now();
  const startsAt = new Date(arrangedAt + REMINDER_LEAD_MS + dueInMs);
  const event = await gql<{ createEvent: { event: { id: string } } }>(
    url,
    'mutation ($i: CreateEventInput!) { createEvent(input: $i) { event { id } } }',
    {
      i: {
        title: `Klyngesjekk ${arrangedAt}`,
        place: 'Fellesrommet',
        startsAt: startsAt.toISOString(),
        endsAt: new Date(startsAt.getTime() + 3_600_000).toISOString(),
      },
    },
    board,
  );
  assert.ok(event.data?.createEvent, `createEvent: ${JSON.stringify(event)}`);
  const subjectId = event.data.createEvent.event.id;
  const signUp = await gql(url, 'mutation ($e: ID!) { signUpForEvent(input: { eventId: $e }) { signup { status } } }', { e: subjectId }, resident);
  assert.equal(signUp.errors, undefined, `signUpForEvent: ${JSON.stringify(signUp)}`);
  return { what, subjectId, arrangedAt, emailBeforeTimeout };
}

/** The resident's booking of the first free laundry slot that starts between 10 minutes and 23 hours from now. */
async function bookSoon(url: string, token: string): Promise<string> {
  const osloDate = (at: number) => new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Oslo' }).format(at);
  const grid = await gql<{ availability: { slots: { start: string; end: string; state: string }[] } }>(
    url,
    'query ($r: ID!, $from: Date!, $to: Date!) { availability(resourceId: $r, from: $from, to: $to) { slots { start end state } } }',
    { r: DEMO_RESOURCES.laundry, from: osloDate(Date.now()), to: osloDate(Date.now() + 86_400_000) },
    token,
  );
  assert.ok(grid.data, `availability: ${JSON.stringify(grid)}`);
  const slot = grid.data.availability.slots.find(
    ({ start, state }) => state === 'FREE' && Date.parse(start) > Date.now() + 10 * 60_000 && Date.parse(start) < Date.now() + 23 * 3_600_000,
  );
  assert.ok(slot, 'a free laundry slot within the day');
  const booked = await gql<{ createBooking: { booking: { id: string; status: string } } }>(
    url,
    'mutation ($i: CreateBookingInput!) { createBooking(input: $i) { booking { id status } } }',
    { i: { idempotencyKey: crypto.randomUUID(), resourceId: DEMO_RESOURCES.laundry, start: slot.start, end: slot.end } },
    token,
  );
  assert.equal(booked.data?.createBooking.booking.status, 'CONFIRMED', `createBooking: ${JSON.stringify(booked)}`);
  return booked.data.createBooking.booking.id;
}

interface InboxItem {
  title: string;
  subjectId: string | null;
  createdAt: string;
  deliveries: { id: string; channel: string; status: string }[];
}

/**
 * e. Each arranged thing's reminder reached the resident once, as did every other reminder in their inbox; every
 * e-mail recorded as sent to the resident reached the SMTP server once; no e-mail the cluster sent arrived twice.
 */
export async function checkJobWorkDoneOnce(cluster: Cluster, arranged: ArrangedWork[], mail: readonly ReceivedMail[], timeoutMs: number): Promise<void> {
  const started = Date.now();
  const reminders = await remindersCame(cluster, arranged, timeoutMs);
  const perSubject = new Map<string, number>();
  for (const item of reminders) perSubject.set(item.subjectId ?? '', (perSubject.get(item.subjectId ?? '') ?? 0) + 1);
  assert.deepEqual(
    [...perSubject].filter(([, count]) => count !== 1),
    [],
    'each reminder reaches the resident once',
  );
  const received = new Map<string, number>();
  for (const message of mail) {
    // The Message-ID's left part is the delivery's id (notifications' email-transport.ts).
    const key = message.parsed.messageId?.replace(/^<|@.*$/g, '') ?? '';
    received.set(key, (received.get(key) ?? 0) + 1);
  }
  // Not only the reminders': every e-mail notifications recorded as sent to the resident (the posts of (b) to (d) too).
  const sentToResident = (await inbox(cluster.publicUrl, await accessToken(cluster.publicUrl, RESIDENT)))
    .flatMap((item) => item.deliveries)
    .filter((delivery) => delivery.channel === 'EMAIL' && SENT.includes(delivery.status));
  assert.deepEqual(
    sentToResident.filter((delivery) => received.get(delivery.id) !== 1).map((delivery) => delivery.id),
    [],
    'every e-mail recorded as sent to the resident reached the SMTP server once',
  );
  const figures = arranged.map((work) => {
    const item = reminders.find((reminder) => reminder.subjectId === work.subjectId)!;
    const email = emailOf(item);
    if (work.emailBeforeTimeout || SENT.includes(email?.status ?? '')) {
      assert.equal(received.get(email?.id ?? ''), 1, `the e-mail of the reminder of ${work.what} reached the SMTP server once`);
    }
    const came = ((Date.parse(item.createdAt) - work.arrangedAt) / 1000).toFixed(1);
    return `${work.what}'s reminder ${came} s after it was arranged (e-mail ${email?.status ?? 'none'})`;
  });
  assert.deepEqual(
    [...received].filter(([, count]) => count !== 1),
    [],
    'no e-mail reached the SMTP server twice',
  );
  console.log(
    `check-cluster: e. ${figures.join(', ')}; ${reminders.length} reminders in the resident's inbox, each once; ` +
      `${mail.length} e-mails received, none twice, the resident's ${sentToResident.length} sent each once (all within ${Date.now() - started} ms of (c))`,
  );
}

/** Waits until each arranged thing's reminder is in the resident's inbox, with its e-mail sent where required; the resident's reminders. */
export async function remindersCame(cluster: Cluster, arranged: ArrangedWork[], timeoutMs: number): Promise<InboxItem[]> {
  const resident = await accessToken(cluster.publicUrl, RESIDENT);
  let reminders: InboxItem[] = [];
  const done = (work: ArrangedWork) =>
    reminders.some((item) => item.subjectId === work.subjectId && (!work.emailBeforeTimeout || SENT.includes(emailOf(item)?.status ?? '')));
  await waitFor(
    'the reminders of what was arranged, with their e-mails sent',
    cluster.processes.filter((member) => member.child.exitCode === null && member.child.signalCode === null),
    async () => {
      reminders = (await inbox(cluster.publicUrl, resident)).filter((item) => REMINDER_TITLE.test(item.title));
      return arranged.every(done);
    },
    timeoutMs,
  ).catch((error: unknown) => {
    throw new Error(`${String(error)}; reminders so far: ${JSON.stringify(reminders)}`);
  });
  return reminders;
}

/** The jobs (e) relies on, by the subgraph that runs them. */
const RACED_JOBS = { posts: 'event-reminders', reservations: 'booking-reminders', notifications: 'notifications-dispatcher' } as const;

/**
 * Every replica of posts, reservations and notifications has run its job of (e) (tunet_job_runs_total, outcome ok,
 * from the replica's own metrics port): the work was there for both to take. Resolves to the figures.
 */
export async function checkJobsRanOnEveryReplica(cluster: Cluster): Promise<string> {
  const figures: string[] = [];
  for (const [subgraph, job] of Object.entries(RACED_JOBS)) {
    for (let replica = 1; replica <= REPLICAS; replica++) {
      const name = `${subgraph}-${replica}`;
      const { metricsUrl } = cluster.processes.find((member) => member.name === name)!;
      const text = await (await fetch(metricsUrl!)).text();
      const line = text.split('\n').find((row) => row.startsWith('tunet_job_runs_total{') && row.includes(`job="${job}"`) && row.includes('outcome="ok"'));
      const runs = Number(line?.split(' ').at(-1) ?? 0);
      assert.ok(runs > 0, `${name} ran ${job} (tunet_job_runs_total: ${line ?? 'none'})`);
      figures.push(`${name} ${job} ${runs}`);
    }
  }
  return figures.join(', ');
}

function emailOf(item: InboxItem): InboxItem['deliveries'][number] | undefined {
  return item.deliveries.find((delivery) => delivery.channel === 'EMAIL');
}

async function inbox(url: string, token: string): Promise<InboxItem[]> {
  const items: InboxItem[] = [];
  let after: string | null = null;
  for (let page = 0; page < 50; page++) {
    const answer: Answer<{ notifications: { nodes: InboxItem[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } }> = await gql(
      url,
      'query ($after: String) { notifications(first: 100, after: $after) { nodes { title subjectId createdAt deliveries { id channel status } } pageInfo { hasNextPage endCursor } } }',
      { after },
      token,
    );
    assert.ok(answer.data, `the inbox: ${JSON.stringify(answer)}`);
    items.push(...answer.data.notifications.nodes);
    if (!answer.data.notifications.pageInfo.hasNextPage) return items;
    after = answer.data.notifications.pageInfo.endCursor;
  }
  throw new Error('the inbox has more than 50 pages');
}
