import { randomUUID } from 'node:crypto';
import type { Entitlements } from './entitlements';
import { announceEntitlementsChanged, EntitlementsReader } from './entitlements-cache';
import { eventually, sleep } from './events/events.fixtures';
import { closeFastStore, openFastStore, type FastStore } from './redis';
import { openTestRedis } from './kit.fixtures';

/** Billing as the readers see it: what each association subscribes to, and how often it was asked. */
class FakeBilling {
  readonly features = new Map<string, string[]>();
  asked = 0;
  /** When set, the next answer waits for it: a load in flight while something changes. */
  hold: Promise<void> | null = null;

  load = async (associationId: string): Promise<Entitlements> => {
    this.asked++;
    const features = this.features.get(associationId) ?? ['base'];
    const hold = this.hold;
    this.hold = null;
    if (hold) await hold;
    return { associationId, features, limits: { smsPerMonth: features.includes('sms') ? 500 : 0 } };
  };
}

describe.each(['redis', 'memory'] as const)('entitlements cache on %s', (kind) => {
  /** Billing in one process, two gateways in others: on Redis each with its own connection. */
  let stores: FastStore[];
  let billing: FakeBilling;
  let readers: EntitlementsReader[];
  const A = randomUUID();

  beforeEach(async () => {
    if (kind === 'redis') {
      const first = await openTestRedis();
      stores = [first, await openFastStore(process.env.TEST_REDIS_URL, first.namespace), await openFastStore(process.env.TEST_REDIS_URL, first.namespace)];
    } else {
      const embedded: FastStore = { kind: 'memory', namespace: `test-${randomUUID()}` };
      stores = [embedded, embedded, embedded];
    }
    billing = new FakeBilling();
    readers = [await EntitlementsReader.open(stores[1]!, billing.load), await EntitlementsReader.open(stores[2]!, billing.load)];
  });
  afterEach(async () => {
    for (const reader of readers) await reader.close();
    for (const store of new Set(stores)) await closeFastStore(store);
  });

  const features = async (reader: EntitlementsReader) => (await reader.read(A)).features;

  it('asks billing once for every process, then answers from the copies', async () => {
    expect(await readers[0]!.read(A)).toEqual({ associationId: A, features: ['base'], limits: { smsPerMonth: 0 } });
    await features(readers[0]!);
    expect(await features(readers[1]!)).toEqual(['base']);
    expect(billing.asked).toBe(1);
  });

  it('asks billing once for a burst of requests', async () => {
    const answers = await Promise.all(Array.from({ length: 20 }, () => features(readers[0]!)));
    expect(answers).toEqual(Array.from({ length: 20 }, () => ['base']));
    expect(billing.asked).toBe(1);
  });

  it('makes a change count in every process as soon as it is announced, for that association only', async () => {
    const B = randomUUID();
    expect(await features(readers[0]!)).toEqual(['base']);
    expect(await features(readers[1]!)).toEqual(['base']);
    expect((await readers[0]!.read(B)).features).toEqual(['base']);

    billing.features.set(A, ['base', 'sms']);
    billing.features.set(B, ['base', 'sms']);
    await announceEntitlementsChanged(stores[0]!, A);

    await eventually(async () => expect(await features(readers[0]!)).toEqual(['base', 'sms']), 1000);
    await eventually(async () => expect(await features(readers[1]!)).toEqual(['base', 'sms']), 1000);
    expect((await readers[0]!.read(B)).features).toEqual(['base']);
  });

  it('reads a changed association afresh by itself where it was in use, so the next request finds it there', async () => {
    const asked: [number, number] = [0, 0];
    const [using, idle] = [
      await EntitlementsReader.open(stores[1]!, (id) => (asked[0]++, billing.load(id))),
      await EntitlementsReader.open(stores[2]!, (id) => (asked[1]++, billing.load(id))),
    ];
    readers.push(using, idle);
    expect(await features(using)).toEqual(['base']);
    billing.features.set(A, ['base', 'sms']);
    await announceEntitlementsChanged(stores[0]!, A);

    // Only the process that had it asks billing again; the other never read it and does not.
    await eventually(() => expect(asked).toEqual([2, 0]), 1000);
    await sleep(100);
    expect(await features(using)).toEqual(['base', 'sms']);
    expect(await features(idle)).toEqual(['base', 'sms']);
    expect(asked).toEqual([2, 0]);
  });

  it('never keeps an answer billing gave before a change that was announced while it was on its way', async () => {
    let release!: () => void;
    billing.hold = new Promise((resolve) => (release = resolve));
    const early = readers[0]!.read(A);
    await eventually(() => expect(billing.asked).toBe(1));

    billing.features.set(A, ['base', 'sms']);
    await announceEntitlementsChanged(stores[0]!, A);
    release();
    expect((await early).features).toEqual(['base']);

    // Neither the process that loaded it nor another (through the shared copy) may use the old answer now.
    await eventually(async () => expect(await features(readers[0]!)).toEqual(['base', 'sms']), 1000);
    expect(await features(readers[1]!)).toEqual(['base', 'sms']);
  });

  it('refuses an answer of another association or of another shape, and keeps nothing of it', async () => {
    const wrong = await EntitlementsReader.open(stores[1]!, async () => ({ associationId: randomUUID(), features: ['sms'], limits: {} }));
    const malformed = await EntitlementsReader.open(stores[1]!, async () => ({ associationId: A, features: 'sms' }) as unknown as Entitlements);
    readers.push(wrong, malformed);

    await expect(wrong.read(A)).rejects.toThrow('another association');
    await expect(malformed.read(A)).rejects.toThrow('unexpected shape');
    expect(await features(readers[0]!)).toEqual(['base']);
  });

  it('rejects while billing cannot be asked, and asks again on the next read', async () => {
    const failing = jest.fn<Promise<Entitlements>, [string]>().mockRejectedValueOnce(new Error('connect ECONNREFUSED'));
    failing.mockImplementation(billing.load);
    const reader = await EntitlementsReader.open(stores[1]!, failing);
    readers.push(reader);

    await expect(reader.read(A)).rejects.toThrow('ECONNREFUSED');
    expect(await features(reader)).toEqual(['base']);
  });

  if (kind === 'redis') {
    it('forgets everything it kept when its subscription reconnects, since announcements may have been lost', async () => {
      expect(await features(readers[0]!)).toEqual(['base']);
      const client = (stores[0] as Extract<FastStore, { kind: 'redis' }>).client;
      const channel = `${stores[0]!.namespace}:entitlements:invalidations`;
      const clients = (await client.client('LIST')) as string;
      const subscribers = clients.split('\n').filter((line) => line.includes(` name=${channel} `));
      expect(subscribers).toHaveLength(2);

      // The change retires the shared copy, but the announcement is lost: nobody listens on that connection.
      await client.client('KILL', 'ID', /\bid=(\d+)/.exec(subscribers[0]!)![1]!);
      await client.client('KILL', 'ID', /\bid=(\d+)/.exec(subscribers[1]!)![1]!);
      billing.features.set(A, ['base', 'sms']);
      await client.incr(`${stores[0]!.namespace}:entitlements:version:${A}`);

      // Well before the local copy's 5 s would run out.
      await eventually(async () => expect(await features(readers[0]!)).toEqual(['base', 'sms']), 2000);
    });
  }
});
