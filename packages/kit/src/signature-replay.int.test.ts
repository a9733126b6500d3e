import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { openTestRedis } from './kit.fixtures';
import { closeFastStore, COMMAND_TIMEOUT_MS, openFastStore, type FastStore } from './redis';
import { requireEnv } from './secrets';
import { NONCE_RETENTION_MS, SignatureReplayCache, signatureReplayCheckUnavailable } from './signature-replay';

/** The replay cache on Redis, as replicas share it: each its own connection, one namespace (decision 0054). */
describe('the replay cache of signed requests on Redis', () => {
  let stores: FastStore[];

  beforeAll(async () => {
    const first = await openTestRedis();
    stores = [first, await openFastStore(requireEnv('TEST_REDIS_URL'), first.namespace)];
  });
  afterAll(() => Promise.all(stores.map(closeFastStore)));

  it('refuses at one replica a nonce another replica claimed, and keeps it for twice the clock skew', async () => {
    // The claim's 75 ms timeout is the unit test's subject; here a stalled event loop on a loaded machine must not
    // turn a claim into 'unchecked', so these caches wait as long as a Redis command may.
    const [one, two] = stores.map((store) => new SignatureReplayCache(store, undefined, COMMAND_TIMEOUT_MS));
    const nonce = randomBytes(16).toString('base64url');
    expect(await one!.claim(nonce)).toBe('fresh');
    expect(await two!.claim(nonce)).toBe('replayed');
    expect(await one!.claim(nonce)).toBe('replayed');
    const { client, namespace } = stores[0] as { client: Redis; namespace: string };
    const ttl = await client.pttl(`${namespace}:signature-nonce:${nonce}`);
    expect(ttl).toBeGreaterThan(NONCE_RETENTION_MS - 5000);
    expect(ttl).toBeLessThanOrEqual(NONCE_RETENTION_MS);
  });

  it('claims nonces in the process while Redis fails, refusing a replay to it, counting each in tunet_signature_replay_check_unavailable_total', async () => {
    const store = await openTestRedis();
    const client = (store as { client: Redis }).client;
    const ended = new Promise((resolve) => client.once('end', resolve));
    client.disconnect();
    await ended;
    const before = (await signatureReplayCheckUnavailable.get()).values[0]?.value ?? 0;
    const cache = new SignatureReplayCache(store);
    expect(await cache.claim('the-same-nonce')).toBe('unchecked');
    expect(await cache.claim('the-same-nonce')).toBe('replayed');
    expect((await signatureReplayCheckUnavailable.get()).values[0]?.value).toBe(before + 2);
  });
});
