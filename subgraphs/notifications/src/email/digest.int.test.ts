import { randomUUID } from 'node:crypto';
import { createLogger } from '@tunet/kit';
import { and, asc, eq, inArray } from 'drizzle-orm';
import type { Category, DeliveryHold, Locale } from '../model';
import { deliveries, deliveryAttempts, notifications } from '../tables';
import { openNotificationsTestBed, type NotificationsTestBed } from '../notifications.fixtures';
import { DigestJob } from './digest.job';
import { DigestRepository } from './digest.repository';
import { startTestSmtpServer, testLinks, testTokens, testTransport } from './email.fixtures';
import type { EmailTransport } from './email-transport';

let bed: NotificationsTestBed;
let smtp: Awaited<ReturnType<typeof startTestSmtpServer>>;
let transport: EmailTransport;

beforeAll(async () => {
  bed = await openNotificationsTestBed();
  smtp = await startTestSmtpServer((address) => {
    if (address.startsWith('gone')) return { code: 550, message: '5.1.1 no such user' };
    if (address.startsWith('busy')) return { code: 451, message: '4.7.1 try again later' };
    return undefined;
  });
  transport = testTransport(smtp.url);
});

afterAll(async () => {
  transport.close();
  await smtp.close();
  await bed.close();
});

// 07:00 in Oslo (summer time): the digest hour the ingest set as next_attempt_at
const SEVEN = new Date('2031-06-12T05:00:00Z');
const minutes = (n: number) => new Date(SEVEN.getTime() + n * 60_000);

/** A digest job on the test database whose clock reads `at`. */
function digestAt(at: Date): DigestJob {
  return new DigestJob(new DigestRepository(bed.subgraph.db), transport, testLinks, createLogger('digest-test'), {}, () => at);
}

interface Held {
  category?: Category;
  locale?: Locale;
  title: string;
  body?: string;
  link?: string | null;
  heldFor?: DeliveryHold | null;
  dueAt?: Date;
  address?: string;
  createdAt?: Date;
}

/** Stores notifications for the member with e-mail deliveries held as the ingest holds them; returns their ids. */
async function hold(associationId: string, memberId: string, address: string, items: Held[]): Promise<string[]> {
  const ids: string[] = [];
  await bed.subgraph.db.tenant(associationId, async (tx) => {
    for (const [i, item] of items.entries()) {
      const notificationId = randomUUID();
      const deliveryId = randomUUID();
      await tx.insert(notifications).values({
        associationId,
        id: notificationId,
        eventId: randomUUID(),
        recipient: `member:${memberId}`,
        memberId,
        topic: 'post.published',
        category: item.category ?? 'news',
        important: false,
        locale: item.locale ?? 'nb',
        title: item.title,
        body: item.body ?? `Mer om ${item.title}.`,
        link: item.link === undefined ? `/posts/${notificationId}` : item.link,
        createdAt: item.createdAt ?? new Date(SEVEN.getTime() - (items.length - i) * 3_600_000),
      });
      await tx.insert(deliveries).values({
        associationId,
        id: deliveryId,
        notificationId,
        channel: 'email',
        address: item.address ?? address,
        heldFor: item.heldFor === undefined ? 'digest' : item.heldFor,
        nextAttemptAt: item.dueAt ?? SEVEN,
      });
      ids.push(deliveryId);
    }
  });
  return ids;
}

function stateOf(associationId: string, ids: string[]) {
  return bed.subgraph.db.tenant(associationId, (tx) =>
    tx
      .select({
        id: deliveries.id,
        status: deliveries.status,
        heldFor: deliveries.heldFor,
        attempts: deliveries.attempts,
        providerMessageId: deliveries.providerMessageId,
        lastError: deliveries.lastError,
        nextAttemptAt: deliveries.nextAttemptAt,
        claimedUntil: deliveries.claimedUntil,
      })
      .from(deliveries)
      .where(and(eq(deliveries.associationId, associationId), inArray(deliveries.id, ids))),
  );
}

function attemptsOf(associationId: string, ids: string[]) {
  return bed.subgraph.db.tenant(associationId, (tx) =>
    tx
      .select({
        deliveryId: deliveryAttempts.deliveryId,
        attempt: deliveryAttempts.attempt,
        outcome: deliveryAttempts.outcome,
        detail: deliveryAttempts.detail,
      })
      .from(deliveryAttempts)
      .where(and(eq(deliveryAttempts.associationId, associationId), inArray(deliveryAttempts.deliveryId, ids)))
      .orderBy(asc(deliveryAttempts.at)),
  );
}

const mailsTo = (address: string) => smtp.received.filter((mail) => mail.recipients.includes(address));
const address = () => `${randomUUID().slice(0, 8)}@beboer.test`;

describe('the daily e-mail digest', () => {
  it('sends three held notifications as one e-mail listing them all, oldest first, and marks each delivery sent', async () => {
    const associationId = randomUUID();
    const memberId = randomUUID();
    const to = address();
    const ids = await hold(associationId, memberId, to, [
      { title: 'Dugnad i gården', category: 'news', body: 'Vi møtes ved sykkelboden.\n\nTa med hansker.' },
      { title: 'Ny kommentar på innlegget ditt', category: 'comments', link: null },
      { title: 'Sommerfest lørdag', category: 'events' },
    ]);

    expect(await digestAt(SEVEN).runOnce()).toBe(1);

    const mails = mailsTo(to);
    expect(mails).toHaveLength(1);
    const [mail] = mails;
    expect(mail!.recipients).toEqual([to]);
    expect(mail!.parsed.subject).toBe('Dine varsler fra Tunet (3)');
    const text = mail!.parsed.text ?? '';
    expect(text.indexOf('* Dugnad i gården')).toBeLessThan(text.indexOf('* Ny kommentar på innlegget ditt'));
    expect(text.indexOf('* Ny kommentar på innlegget ditt')).toBeLessThan(text.indexOf('* Sommerfest lørdag'));
    expect(text).toContain('  Vi møtes ved sykkelboden.\n');
    expect(text).not.toContain('Ta med hansker.');
    expect(text).toMatch(/\* Sommerfest lørdag\n {2}Mer om Sommerfest lørdag\.\n {2}https:\/\/app\.tunet\.test\/posts\/[0-9a-f-]{36}\n/);
    expect(text).toContain('Du får denne oppsummeringen fordi du har valgt å samle e-postvarslene dine i én e-post om dagen.');
    expect(text).toContain('Slå av e-post for «Nyheter», «Kommentarer» og «Arrangementer»: https://tunet.test/unsubscribe/');

    const token = /^<https:\/\/tunet\.test\/unsubscribe\/([A-Za-z0-9_-]+)>$/.exec(mail!.header('list-unsubscribe') ?? '')?.[1];
    expect(testTokens.scopeOf(token ?? '')).toEqual({ associationId, memberId, categories: ['news', 'comments', 'events'], locale: 'nb' });
    expect(mail!.header('list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');

    const states = await stateOf(associationId, ids);
    expect(states.map((state) => state.status)).toEqual(['sent', 'sent', 'sent']);
    expect(new Set(states.map((state) => state.providerMessageId))).toEqual(new Set([mail!.parsed.messageId]));
    expect(states.every((state) => state.attempts === 1 && state.claimedUntil === null)).toBe(true);
    expect((await attemptsOf(associationId, ids)).map((row) => [row.attempt, row.outcome])).toEqual([
      [1, 'sent'],
      [1, 'sent'],
      [1, 'sent'],
    ]);

    expect(await digestAt(minutes(1)).runOnce()).toBe(0);
    expect(mailsTo(to)).toHaveLength(1);
  });

  it('sends nothing before the hour, and everything due once it comes', async () => {
    const associationId = randomUUID();
    const to = address();
    const ids = await hold(associationId, randomUUID(), to, [{ title: 'Årsmøte' }, { title: 'Vaskeliste' }]);

    expect(await digestAt(minutes(-1)).runOnce()).toBe(0);
    expect(mailsTo(to)).toHaveLength(0);
    expect((await stateOf(associationId, ids)).map((state) => [state.status, state.attempts])).toEqual([
      ['queued', 0],
      ['queued', 0],
    ]);

    expect(await digestAt(SEVEN).runOnce()).toBe(1);
    expect(mailsTo(to)).toHaveLength(1);
    expect(mailsTo(to)[0]!.parsed.subject).toBe('Dine varsler fra Tunet (2)');
  });

  it('gives each person their own e-mail in their language, and leaves deliveries not held for the digest alone', async () => {
    const associationId = randomUUID();
    const [kari, ola] = [address(), address()];
    await hold(associationId, randomUUID(), kari, [{ title: 'Dugnad' }]);
    await hold(randomUUID(), randomUUID(), ola, [
      { title: 'Clean-up day', locale: 'en' },
      { title: 'Summer party', locale: 'en' },
    ]);
    const [direct, laterToday] = await hold(associationId, randomUUID(), address(), [
      { title: 'Sendes av dispatcheren', heldFor: null },
      { title: 'Senere i dag', dueAt: minutes(60) },
    ]);

    expect(await digestAt(SEVEN).runOnce()).toBe(2);

    expect(mailsTo(kari).map((mail) => mail.parsed.subject)).toEqual(['Dine varsler fra Tunet (1)']);
    const [english] = mailsTo(ola);
    expect(english!.parsed.subject).toBe('Your notifications from Tunet (2)');
    expect(english!.header('content-language')).toBe('en');
    expect(english!.parsed.text).toContain('You are receiving this summary because you chose to get your e-mail notifications collected in one e-mail a day.');
    expect((await stateOf(associationId, [direct!, laterToday!])).map((state) => [state.status, state.attempts])).toEqual([
      ['queued', 0],
      ['queued', 0],
    ]);
  });

  it('retries when the server says to try later, still held for the digest, and records the attempt', async () => {
    const associationId = randomUUID();
    const ids = await hold(associationId, randomUUID(), 'busy@beboer.test', [{ title: 'Dugnad' }, { title: 'Årsmøte' }]);

    expect(await digestAt(SEVEN).runOnce()).toBe(1);

    const states = await stateOf(associationId, ids);
    for (const state of states) {
      expect(state).toMatchObject({ status: 'queued', heldFor: 'digest', attempts: 1, claimedUntil: null, lastError: '451 4.7.1 try again later' });
      expect(state.nextAttemptAt.getTime()).toBeGreaterThan(SEVEN.getTime());
    }
    expect((await attemptsOf(associationId, ids)).map((row) => [row.attempt, row.outcome, row.detail])).toEqual([
      [1, 'retry', '451 4.7.1 try again later'],
      [1, 'retry', '451 4.7.1 try again later'],
    ]);
    expect(await digestAt(minutes(0.5)).runOnce()).toBe(0);
  });

  it('marks every delivery of a digest to an address that does not exist as bounced', async () => {
    const associationId = randomUUID();
    const ids = await hold(associationId, randomUUID(), 'gone@beboer.test', [{ title: 'Dugnad' }, { title: 'Årsmøte' }]);

    await digestAt(SEVEN).runOnce();

    expect((await stateOf(associationId, ids)).map((state) => [state.status, state.lastError])).toEqual([
      ['bounced', '550 5.1.1 no such user'],
      ['bounced', '550 5.1.1 no such user'],
    ]);
  });

  it('fails for good after the last attempt', async () => {
    const associationId = randomUUID();
    const [id] = await hold(associationId, randomUUID(), 'busy@beboer.test', [{ title: 'Dugnad' }]);
    const job = new DigestJob(
      new DigestRepository(bed.subgraph.db),
      transport,
      testLinks,
      createLogger('digest-test'),
      { retry: { maxAttempts: 2, baseDelayMs: 60_000, maxDelayMs: 60_000 } },
      () => minutes(10),
    );

    await job.runOnce();
    await bed.subgraph.db.tenant(associationId, (tx) =>
      tx
        .update(deliveries)
        .set({ nextAttemptAt: minutes(5) })
        .where(eq(deliveries.id, id!)),
    );
    await job.runOnce();

    expect((await stateOf(associationId, [id!]))[0]).toMatchObject({ status: 'failed', attempts: 2, lastError: '451 4.7.1 try again later' });
    expect((await attemptsOf(associationId, [id!])).map((row) => row.outcome)).toEqual(['retry', 'failed']);
  });

  it('sends a digest once when two jobs (replicas) run at the same moment', async () => {
    const associationId = randomUUID();
    const people = Array.from({ length: 6 }, () => ({ memberId: randomUUID(), to: address() }));
    for (const { memberId, to } of people) await hold(associationId, memberId, to, [{ title: 'Dugnad' }, { title: 'Årsmøte' }]);

    await Promise.all([digestAt(SEVEN).runOnce(), digestAt(SEVEN).runOnce()]);
    for (const { to } of people) expect(mailsTo(to).length).toBeLessThanOrEqual(1);
    // a person each job held a part of was left by both, and goes on the next run
    await digestAt(SEVEN).runOnce();

    for (const { to } of people) expect(mailsTo(to)).toHaveLength(1);
  });

  it('takes up a digest whose sender died once its claim has run out, and not before', async () => {
    const associationId = randomUUID();
    const to = address();
    const ids = await hold(associationId, randomUUID(), to, [{ title: 'Dugnad' }]);
    const repository = new DigestRepository(bed.subgraph.db);
    // a sender that claimed and then crashed before sending
    expect(await repository.claimDue(SEVEN, 5 * 60_000, 10)).toContainEqual(expect.objectContaining({ associationId }));

    await digestAt(minutes(4)).runOnce();
    expect(mailsTo(to)).toHaveLength(0);
    await digestAt(minutes(6)).runOnce();
    expect(mailsTo(to)).toHaveLength(1);
    expect((await stateOf(associationId, ids))[0]).toMatchObject({ status: 'sent', attempts: 2 });
  });
});
