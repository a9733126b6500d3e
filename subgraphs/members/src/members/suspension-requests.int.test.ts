import { randomUUID } from 'node:crypto';
import { DeadLetters, openEventStream, type Event, type EventStream, type EventSubscriber } from '@tunet/kit';
import { sql } from 'drizzle-orm';
import { DEMO, DEMO_PASSWORD } from '../members.demo';
import { errorOf, openMembersTestBed, type MembersTestBed } from '../members.fixtures';
import { SUSPENSION_REQUESTED, suspensionRequests } from './suspension-requests';

describe('suspensions requested by moderation in the posts subgraph', () => {
  let bed: MembersTestBed;
  let stream: EventStream;
  let job: EventSubscriber;
  const login = (email: string) => bed.subgraph.auth.login({ email, password: DEMO_PASSWORD }, '10.9.0.2');
  const suspendedEvents = () =>
    bed.db.system(
      async (tx) =>
        (
          (await tx.execute(sql`select payload from members.outbox where topic = 'member.suspended' order by id`)) as {
            rows: { payload: Record<string, unknown> }[];
          }
        ).rows,
    );
  const request = (payload: Record<string, unknown>, associationId: string = DEMO.solbakken): Event => ({
    eventId: randomUUID(),
    topic: SUSPENSION_REQUESTED,
    associationId,
    occurredAt: new Date(),
    payload: { associationId, requestedByMemberId: DEMO.kari, caseId: randomUUID(), ...payload },
  });
  const until = async (done: () => Promise<boolean>) => {
    for (let i = 0; i < 100 && !(await done()); i++) await new Promise((resolve) => setTimeout(resolve, 50));
  };

  beforeAll(async () => {
    bed = await openMembersTestBed();
    stream = openEventStream({ kind: 'memory', namespace: `suspensions-${randomUUID()}` });
    job = suspensionRequests(stream, bed.db, bed.subgraph.members, { consumer: 'test', blockMs: 50 });
    job.start();
    // start() joins the group in the background, and a new group starts at the end of the stream.
    await new Promise((resolve) => setTimeout(resolve, 200));
  });
  afterAll(async () => {
    await job.stop();
    await bed.close();
  });

  it('suspends the author with the reason, ends their sessions, and handles a redelivery once', async () => {
    const session = await login('per@solbakken.example');
    const event = request({ memberId: DEMO.per, reason: 'Trakassering i kommentarfeltet', until: '2099-06-30' });
    await stream.append([event, { ...event }, request({ memberId: DEMO.per, reason: 'Trakassering i kommentarfeltet', until: '2099-06-30' })]);
    await until(
      async () => (await suspendedEvents()).length > 0 && (await errorOf(bed.subgraph.auth.refresh({ refreshToken: session.refreshToken }))) !== null,
    );

    const refused = await login('per@solbakken.example').catch((error: { message: string; extensions: Record<string, unknown> }) => error);
    expect(refused).toMatchObject({
      message: expect.stringContaining('Trakassering i kommentarfeltet'),
      extensions: { code: 'FORBIDDEN', reason: 'MEMBERSHIP_SUSPENDED', suspensionReason: 'Trakassering i kommentarfeltet', until: '2099-06-30' },
    });
    expect(await errorOf(bed.subgraph.auth.refresh({ refreshToken: session.refreshToken }))).toMatchObject({ code: 'UNAUTHENTICATED' });
    // Give the three deliveries time to be handled before counting.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await suspendedEvents()).toEqual([{ payload: { memberId: DEMO.per, reason: 'Trakassering i kommentarfeltet', until: '2099-06-30' } }]);
  });

  it('ignores members of another association, sets malformed requests aside, and goes on with the next one', async () => {
    const before = (await suspendedEvents()).length;
    const malformed = request({ memberId: 'not-an-id', reason: 'x', until: null });
    await stream.append([
      request({ memberId: DEMO.eva, reason: 'Feil borettslag', until: null }, DEMO.solbakken),
      malformed,
      request({ memberId: DEMO.aase, reason: 'Spam', until: null }),
    ]);
    await until(async () => (await suspendedEvents()).length > before);
    expect((await suspendedEvents()).slice(before)).toEqual([{ payload: { memberId: DEMO.aase, reason: 'Spam', until: null } }]);
    const letters = await new DeadLetters(bed.db).list();
    expect(letters.map((letter) => ({ group: letter.group, eventId: letter.event.eventId }))).toEqual([{ group: 'members', eventId: malformed.eventId }]);
    await expect(login('eva@fjordly.example')).resolves.toBeDefined();
  });
});
