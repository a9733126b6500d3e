import { randomUUID } from 'node:crypto';
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { IngestRepository, type NewDelivery } from '../ingest/ingest.repository';
import type { ChannelSender, DeliveryChannel, SendOutcome } from '../model';
import { deliveries, deliveryAttempts, notifications } from '../tables';
import { openNotificationsTestBed, type NotificationsTestBed } from '../notifications.fixtures';
import { CHANNEL_NOT_CONFIGURED } from './delivery.rules';
import { DeliveryRepository } from './delivery.repository';
import { acceptingSenders, ScriptedSender, waterNotice } from './delivery.fixtures';
import { SmsGate } from '../sms/sms-gate';
import { SmsQuotaRepository } from '../sms/sms-quota.repository';
import { Dispatcher, type DispatcherOptions } from './dispatcher';
import { EmailChannel } from '../email/email.channel';
import { startTestSmtpServer, testLinks, testTransport } from '../email/email.fixtures';

let bed: NotificationsTestBed;
let repository: DeliveryRepository;
const tenant = randomUUID();
const memberId = randomUUID();

beforeAll(async () => {
  bed = await openNotificationsTestBed();
  repository = new DeliveryRepository(bed.subgraph.db);
});

afterAll(() => bed.close());

// The dispatcher claims across associations, so one test's deliveries must not be another's (they cascade).
beforeEach(() => bed.subgraph.db.system((tx) => tx.delete(notifications)));

/** Stores one notification with a delivery per entry (an e-mail due now unless told otherwise); resolves to their ids. */
async function queue(...wanted: Partial<NewDelivery>[]): Promise<string[]> {
  const planned: NewDelivery[] = wanted.map((delivery) => ({
    id: randomUUID(),
    channel: 'email',
    address: delivery.channel && delivery.channel !== 'email' ? null : 'kari@beboer.test',
    status: 'queued',
    heldFor: null,
    ...delivery,
  }));
  await new IngestRepository(bed.subgraph.db).store(tenant, [waterNotice(memberId, planned)]);
  return planned.map((delivery) => delivery.id);
}

/** Many notifications with one e-mail each. */
async function queueMany(count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) ids.push(...(await queue({})));
  return ids;
}

const rowOf = async (id: string) => (await bed.subgraph.db.tenant(tenant, (tx) => tx.select().from(deliveries).where(eq(deliveries.id, id))))[0]!;

const attemptsOf = (id: string) =>
  bed.subgraph.db.tenant(tenant, (tx) =>
    tx
      .select({ attempt: deliveryAttempts.attempt, outcome: deliveryAttempts.outcome, detail: deliveryAttempts.detail })
      .from(deliveryAttempts)
      .where(eq(deliveryAttempts.deliveryId, id))
      .orderBy(asc(deliveryAttempts.attempt)),
  );

/** Lets time pass for the deliveries: their next attempt is due now. */
const makeDue = (ids: string[]) =>
  bed.subgraph.db.tenant(tenant, (tx) =>
    tx
      .update(deliveries)
      .set({ nextAttemptAt: sql`now()` })
      .where(and(eq(deliveries.associationId, tenant), inArray(deliveries.id, ids))),
  );

const dispatcher = (senders: ChannelSender[], options: DispatcherOptions = {}) =>
  new Dispatcher(repository, senders, new SmsGate(bed.entitlements, bed.directory, new SmsQuotaRepository(bed.subgraph.db)), { random: () => 0.5, ...options });

const scripted = (channel: DeliveryChannel, ...answers: (SendOutcome | Error)[]) =>
  new ScriptedSender(channel, () => {
    const answer = answers.length > 1 ? answers.shift()! : answers[0]!;
    if (answer instanceof Error) throw answer;
    return answer;
  });

describe('dispatcher', () => {
  it('sends a due delivery with its notification, and records it sent', async () => {
    const [id] = await queue({});
    const [email] = acceptingSenders(['email']);

    expect(await dispatcher([email!]).runOnce()).toBe(1);

    expect(email!.received).toEqual([
      expect.objectContaining({
        deliveryId: id,
        associationId: tenant,
        memberId,
        channel: 'email',
        address: 'kari@beboer.test',
        attempt: 1,
        category: 'important',
        important: true,
        locale: 'nb',
        title: 'Vannet stenges tirsdag',
        link: '/posts/1',
        subjectType: 'Post',
      }),
    ]);
    const row = await rowOf(id!);
    expect(row).toMatchObject({ status: 'sent', attempts: 1, providerMessageId: `msg-${id}`, claimedUntil: null, lastError: null });
    expect(row.sentAt).toBeInstanceOf(Date);
    expect(await attemptsOf(id!)).toEqual([{ attempt: 1, outcome: 'sent', detail: null }]);
    expect(await dispatcher([email!]).runOnce()).toBe(0);
    expect(email!.received).toHaveLength(1);
  });

  it('records a delivery the provider confirmed as delivered', async () => {
    const [id] = await queue({ channel: 'push' });

    await dispatcher([scripted('push', { status: 'delivered', providerMessageId: 'p-1', detail: '2 of 2 devices' })]).runOnce();

    expect(await rowOf(id!)).toMatchObject({ status: 'delivered', providerMessageId: 'p-1' });
    expect(await attemptsOf(id!)).toEqual([{ attempt: 1, outcome: 'delivered', detail: '2 of 2 devices' }]);
  });

  it('tries again after a backoff, and records the success', async () => {
    const [id] = await queue({});
    const email = scripted('email', { status: 'retry', reason: '421 4.7.0 Try again later' }, { status: 'sent', providerMessageId: 'm-2' });
    const sending = dispatcher([email], { baseDelayMs: 60_000 });

    await sending.runOnce();

    const waiting = await rowOf(id!);
    expect(waiting).toMatchObject({ status: 'queued', attempts: 1, lastError: '421 4.7.0 Try again later', claimedUntil: null });
    // the first retry waits baseDelayMs (the jitter is at its midpoint)
    expect(waiting.nextAttemptAt.getTime() - waiting.updatedAt.getTime()).toBe(60_000);
    expect(await sending.runOnce()).toBe(0);

    await makeDue([id!]);
    await sending.runOnce();

    expect(await rowOf(id!)).toMatchObject({ status: 'sent', attempts: 2, providerMessageId: 'm-2' });
    expect(email.received.map((delivery) => delivery.attempt)).toEqual([1, 2]);
    expect(await attemptsOf(id!)).toEqual([
      { attempt: 1, outcome: 'retry', detail: '421 4.7.0 Try again later' },
      { attempt: 2, outcome: 'sent', detail: null },
    ]);
  });

  it('waits four times longer after each failed attempt', async () => {
    const [id] = await queue({});
    const sending = dispatcher([scripted('email', { status: 'retry', reason: 'timeout' })], { baseDelayMs: 1_000 });
    const waits: number[] = [];

    for (let attempt = 1; attempt <= 3; attempt++) {
      await sending.runOnce();
      const row = await rowOf(id!);
      waits.push(row.nextAttemptAt.getTime() - row.updatedAt.getTime());
      await makeDue([id!]);
    }

    expect(waits).toEqual([1_000, 4_000, 16_000]);
  });

  it('fails a delivery with the provider’s reason after the last attempt', async () => {
    const [id] = await queue({});
    const email = scripted('email', new Error('connect ECONNREFUSED 10.0.0.5:587'), {
      status: 'retry',
      reason: '451 4.3.0 Mail server temporarily rejected message',
    });
    const sending = dispatcher([email], { maxAttempts: 3, baseDelayMs: 0 });

    for (let round = 0; round < 4; round++) await sending.runOnce();

    expect(email.received).toHaveLength(3);
    expect(await rowOf(id!)).toMatchObject({ status: 'failed', attempts: 3, lastError: '451 4.3.0 Mail server temporarily rejected message', sentAt: null });
    expect(await attemptsOf(id!)).toEqual([
      { attempt: 1, outcome: 'retry', detail: 'connect ECONNREFUSED 10.0.0.5:587' },
      { attempt: 2, outcome: 'retry', detail: '451 4.3.0 Mail server temporarily rejected message' },
      { attempt: 3, outcome: 'failed', detail: '451 4.3.0 Mail server temporarily rejected message' },
    ]);
  });

  it('retries a send the provider never answers', async () => {
    const [id] = await queue({});
    const silent = new ScriptedSender('email', () => new Promise<never>(() => {}));

    await dispatcher([silent], { sendTimeoutMs: 50 }).runOnce();

    expect(await rowOf(id!)).toMatchObject({ status: 'queued', attempts: 1, lastError: 'no answer from the email provider within 50 ms', claimedUntil: null });
  });

  it('gives up at once on a bounce or a refusal', async () => {
    const [bounced, refused] = await Promise.all([queue({}), queue({ channel: 'push' })]);
    const email = scripted('email', { status: 'bounced', reason: '550 5.1.1 <kari@beboer.test>: mailbox unavailable' });
    const push = scripted('push', { status: 'failed', reason: 'no push device' });
    const sending = dispatcher([email, push], { baseDelayMs: 0 });

    await sending.runOnce();
    await sending.runOnce();

    expect(await rowOf(bounced[0]!)).toMatchObject({ status: 'bounced', attempts: 1, lastError: '550 5.1.1 <kari@beboer.test>: mailbox unavailable' });
    expect(await rowOf(refused[0]!)).toMatchObject({ status: 'failed', attempts: 1, lastError: 'no push device' });
    expect(email.received).toHaveLength(1);
    expect(push.received).toHaveLength(1);
  });

  it('fails deliveries of a channel nobody can send on', async () => {
    const [sms, push] = await queue({ channel: 'sms', address: '+4791234567' }, { channel: 'push' });
    const unavailablePush = new ScriptedSender('push', undefined, false);

    await dispatcher([...acceptingSenders(['email']), unavailablePush]).runOnce();

    expect(await rowOf(sms!)).toMatchObject({ status: 'failed', lastError: CHANNEL_NOT_CONFIGURED });
    expect(await rowOf(push!)).toMatchObject({ status: 'failed', lastError: CHANNEL_NOT_CONFIGURED });
    expect(unavailablePush.received).toEqual([]);
  });

  it('sends push held for quiet hours once they are over, and leaves the digest’s e-mails alone', async () => {
    const past = new Date(Date.now() - 60_000);
    const [over, digest, night] = await queue(
      { channel: 'push', heldFor: 'quiet_hours', nextAttemptAt: past },
      { channel: 'email', heldFor: 'digest', nextAttemptAt: past },
      { channel: 'sms', address: '+4791234567', heldFor: 'quiet_hours', nextAttemptAt: new Date(Date.now() + 3_600_000) },
    );
    const senders = acceptingSenders(['email', 'push', 'sms']);

    expect(await dispatcher(senders).runOnce()).toBe(1);

    expect(await rowOf(over!)).toMatchObject({ status: 'sent', heldFor: null });
    expect(await rowOf(digest!)).toMatchObject({ status: 'queued', heldFor: 'digest', attempts: 0 });
    expect(await rowOf(night!)).toMatchObject({ status: 'queued', heldFor: 'quiet_hours', attempts: 0 });
  });

  it('takes a delivery up again once a crashed dispatcher’s claim has run out', async () => {
    const [id] = await queue({});
    const [crashedClaim] = await repository.claimDue(10, 60_000);
    const email = scripted('email', { status: 'sent', providerMessageId: 'm-again' });
    const sending = dispatcher([email]);

    expect(await sending.runOnce()).toBe(0);
    await bed.subgraph.db.tenant(tenant, (tx) =>
      tx
        .update(deliveries)
        .set({ claimedUntil: sql`now() - interval '1 second'` })
        .where(eq(deliveries.id, id!)),
    );
    expect(await sending.runOnce()).toBe(1);

    expect(crashedClaim).toMatchObject({ deliveryId: id, attempt: 1 });
    expect(email.received.map((delivery) => delivery.attempt)).toEqual([2]);
    expect(await rowOf(id!)).toMatchObject({ status: 'sent', attempts: 2, providerMessageId: 'm-again' });
    // the crashed dispatcher coming back late records nothing over the outcome of the attempt that replaced its own
    expect(
      await repository.record(tenant, id!, 1, {
        status: 'failed',
        attemptOutcome: 'failed',
        providerMessageId: null,
        lastError: 'late',
        detail: 'late',
        retryInMs: null,
      }),
    ).toBe(false);
    expect(await rowOf(id!)).toMatchObject({ status: 'sent', lastError: null });
    expect(await attemptsOf(id!)).toEqual([{ attempt: 2, outcome: 'sent', detail: null }]);
  });

  it('never sends one delivery twice when two dispatchers run at once', async () => {
    const ids = await queueMany(60);
    const received: string[] = [];
    const slow = new ScriptedSender('email', async (delivery) => {
      received.push(delivery.deliveryId);
      // hand the event loop to the other dispatcher between claim and record
      await new Promise((resolve) => setImmediate(resolve));
      return { status: 'sent' };
    });
    const [first, second] = [dispatcher([slow], { batchSize: 7, concurrency: 3 }), dispatcher([slow], { batchSize: 7, concurrency: 3 })];

    let rounds: number[];
    do rounds = await Promise.all([first.runOnce(), second.runOnce(), first.runOnce()]);
    while (rounds.some((claimed) => claimed > 0));

    expect(received.sort()).toEqual([...ids].sort());
    const rows = await bed.subgraph.db.tenant(tenant, (tx) => tx.select().from(deliveries).where(inArray(deliveries.id, ids)));
    expect(rows.every((row) => row.status === 'sent' && row.attempts === 1)).toBe(true);
  });

  it('sends each e-mail once over a slow SMTP server when a batch outlasts its send timeouts and its lease', async () => {
    // 200 ms a message over the pool's 3 connections: a batch of 45 takes 3 s, past 1 s to send and a 2.5 s lease.
    const smtp = await startTestSmtpServer(undefined, { acceptAfterMs: 200 });
    const transports = [testTransport(smtp.url), testTransport(smtp.url)];
    try {
      const ids = await queueMany(45);
      const options = { leaseMs: 2_500, sendTimeoutMs: 1_000, batchSize: 45, baseDelayMs: 1, maxDelayMs: 1 };
      const [one, two] = transports.map((transport) => dispatcher([new EmailChannel(transport, testLinks)], options));

      // The second dispatcher runs every 250 ms while the first one's batch is being sent, as another replica would.
      let settled = false;
      const first = one!.runOnce().finally(() => (settled = true));
      while (!settled) await Promise.all([two!.runOnce(), new Promise((resolve) => setTimeout(resolve, 250))]);
      await first;
      for (let round = 0; round < 20 && smtp.received.length < ids.length; round++) await Promise.all([one!.runOnce(), two!.runOnce()]);
      // A send a dispatcher gave up on may still be on its way: it is let arrive before counting.
      await new Promise((resolve) => setTimeout(resolve, 1_000));

      const messageIds = smtp.received.map((mail) => mail.parsed.messageId?.replace(/^<|@.*$/g, ''));
      expect(messageIds.sort()).toEqual([...ids].sort());
    } finally {
      for (const transport of transports) transport.close();
      await smtp.close();
    }
  }, 60_000);

  it('runs in the background, and a nudge starts a round without waiting for the poll', async () => {
    const [email] = acceptingSenders(['email']);
    const background = dispatcher([email!], { pollMs: 600_000 });
    background.start();
    try {
      const [id] = await queue({});
      background.nudge();
      const deadline = Date.now() + 10_000;
      while ((await rowOf(id!)).status !== 'sent' && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(await rowOf(id!)).toMatchObject({ status: 'sent' });
    } finally {
      await background.stop();
    }
  });
});
