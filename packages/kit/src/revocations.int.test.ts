import { randomUUID } from 'node:crypto';
import { eventually, sleep } from './events/events.fixtures';
import { closeFastStore, openFastStore, type FastStore } from './redis';
import { RevocationReader, RevocationWriter, type Revocation, type TokenHolder } from './revocations';
import { openTestRedis } from './kit.fixtures';

const A = randomUUID();

/** A token of a fresh session and member, issued `secondsAgo` seconds ago. */
const holder = (secondsAgo = 10): TokenHolder => ({
  sessionId: randomUUID(),
  associationId: A,
  memberId: randomUUID(),
  issuedAt: new Date(Date.now() - secondsAgo * 1000),
});
const LIVE = { sessionEnded: false, suspension: null, associationClosed: null, unverifiable: false };

describe.each(['redis', 'memory'] as const)('revocations on %s', (kind) => {
  let stores: FastStore[];
  /** Members in one process, a gateway in another: on Redis each with its own connection. */
  let writer: RevocationWriter;
  let reader: RevocationReader;

  beforeEach(async () => {
    if (kind === 'redis') {
      const first = await openTestRedis();
      stores = [first, await openFastStore(process.env.TEST_REDIS_URL, first.namespace)];
    } else {
      const embedded: FastStore = { kind: 'memory', namespace: `test-${randomUUID()}` };
      stores = [embedded, embedded];
    }
    writer = new RevocationWriter(stores[0]!, 1);
    reader = await RevocationReader.open(stores[1]!);
  });
  afterEach(async () => {
    await reader.close();
    for (const store of new Set(stores)) await closeFastStore(store);
  });

  it('tells another process at once that a session ended, even one it has just read as live', async () => {
    const token = holder();
    const other = holder();
    expect(await reader.standing(token)).toEqual(LIVE);

    await writer.endSessions([token.sessionId!]);

    expect(await reader.standing(token)).toEqual({ ...LIVE, sessionEnded: true });
    expect(await reader.standing(other)).toEqual(LIVE);
  });

  it('holds the tokens issued up to a suspension, not those issued after, and lets go at reinstatement', async () => {
    const before = holder();
    expect(await reader.standing(before)).toEqual(LIVE);

    await writer.suspend(A, before.memberId!, { reason: 'Hærverk', until: '2026-12-31' });

    const since = expect.any(String);
    expect(await reader.standing(before)).toEqual({ ...LIVE, suspension: { reason: 'Hærverk', until: '2026-12-31', since } });
    expect(await reader.standing({ ...before, issuedAt: new Date(Date.now() + 2000) })).toEqual(LIVE);
    await writer.reinstate(A, before.memberId!);
    expect(await reader.standing(before)).toEqual(LIVE);
  });

  it("closes every token of an association issued up to its closing, but not an operator's support session, until it reopens", async () => {
    const B = randomUUID();
    const member = holder();
    const integrationCheck = () => reader.associationClosure(A);
    const otherAssociation = { ...holder(), associationId: B };
    const support = { ...holder(), memberId: null, support: true };
    expect(await reader.standing(member)).toEqual(LIVE);
    expect(await integrationCheck()).toBeNull();

    await writer.closeAssociation(A, 'blocked');

    const closure = { status: 'blocked', since: expect.any(String) };
    expect(await reader.standing(member)).toEqual({ ...LIVE, associationClosed: closure });
    expect(await integrationCheck()).toEqual(closure);
    expect(await reader.standing(otherAssociation)).toEqual(LIVE);
    expect(await reader.standing(support)).toEqual(LIVE);
    expect(await reader.standing({ ...member, issuedAt: new Date(Date.now() + 2000) })).toEqual(LIVE);

    await writer.closeAssociation(A, 'terminated');
    expect(await reader.standing(member)).toEqual({ ...LIVE, associationClosed: { ...closure, status: 'terminated' } });
    await writer.reopenAssociation(A);
    expect(await reader.standing(member)).toEqual(LIVE);
    expect(await integrationCheck()).toBeNull();
  });

  it('forgets what it kept once no token issued before can be alive', async () => {
    const token = holder();
    await writer.endSessions([token.sessionId!]);
    await writer.suspend(A, token.memberId!, { reason: 'Hærverk', until: null });
    await writer.closeAssociation(A, 'terminated');

    await sleep(1100);

    // Another reader, so that nothing it remembers locally answers.
    const later = await RevocationReader.open(stores[1]!);
    expect(await later.standing(token)).toEqual(LIVE);
    expect(await later.associationClosure(A)).toBeNull();
    await later.close();
  });

  it('tells watchers what was revoked, until they stop watching', async () => {
    const heard: Revocation[] = [];
    const stop = reader.watch((revocation) => heard.push(revocation));
    const token = holder();

    await writer.endSessions([token.sessionId!]);
    await writer.suspend(A, token.memberId!, { reason: 'Hærverk', until: null });
    await writer.closeAssociation(A, 'terminated');
    await eventually(() => expect(heard).toHaveLength(3));
    stop();
    await writer.reinstate(A, token.memberId!);

    await sleep(50);
    expect(heard).toEqual([
      { kind: 'sessions-ended', sessionIds: [token.sessionId] },
      { kind: 'suspended', associationId: A, memberId: token.memberId, suspension: expect.objectContaining({ reason: 'Hærverk' }) },
      { kind: 'association-closed', associationId: A, closure: { status: 'terminated', since: expect.any(String) } },
    ]);
  });

  if (kind === 'redis') {
    it('ignores announcements that are not revocations', async () => {
      const heard: Revocation[] = [];
      reader.watch((revocation) => heard.push(revocation));
      const client = (stores[0] as Extract<FastStore, { kind: 'redis' }>).client;
      const channel = `${stores[0]!.namespace}:revoked:announcements`;
      const token = holder();

      await client.publish(channel, 'not json');
      await client.publish(channel, JSON.stringify({ kind: 'sessions-ended', sessionIds: ["1' or '1'='1"] }));
      await writer.endSessions([token.sessionId!]);

      await eventually(() => expect(heard).toEqual([{ kind: 'sessions-ended', sessionIds: [token.sessionId] }]));
    });
  }
});
