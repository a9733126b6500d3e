import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { UNREACHED_CALLER_LIMITS } from '@tunet/gateway';
import { closeFastStore, FilesystemStorage, generateSecrets, openFastStore, type FastStore } from '@tunet/kit';
import { eventually, sleep } from '@tunet/kit/src/events/events.fixtures';
import { openTestDatabase, type TestDatabase } from '@tunet/kit/src/kit.fixtures';
import { ThrowawayRedis } from '@tunet/kit/src/redis.fixtures';
import { DEMO_PASSWORD } from '@tunet/members';
import { startStack, type Stack } from '@tunet/stack';

/**
 * A replica started (or scaled out) while Redis is down comes up and serves, and catches up once Redis is back
 * (decision 0062): the gateway and every subgraph of the stack start on a store whose Redis is stopped, answer a
 * login and reads that need only PostgreSQL, and an event produced meanwhile reaches its consumer once, after Redis
 * starts. The Redis is this file's own (kit ThrowawayRedis): the shared test Redis stays up for the files beside it.
 */

type Answer<T> = { data?: T | null; errors?: { message: string; extensions?: { code?: string } }[] };

describe('the stack started while its Redis is down', () => {
  let redis: ThrowawayRedis;
  let store: FastStore;
  let database: TestDatabase;
  let filesDir: string;
  let stack: Stack;

  const gql = async <T>(query: string, variables: Record<string, unknown> = {}, token?: string): Promise<Answer<T>> => {
    const response = await fetch(stack.gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    return (await response.json()) as Answer<T>;
  };
  const login = async (email: string): Promise<string> => {
    const answer = await gql<{ login: { accessToken: string } }>('mutation ($i: LoginInput!) { login(input: $i) { accessToken } }', {
      i: { email, password: DEMO_PASSWORD },
    });
    expect(answer.errors).toBeUndefined();
    return answer.data!.login.accessToken;
  };

  beforeAll(async () => {
    redis = await ThrowawayRedis.start();
    const namespace = `test-${process.pid}`;
    // Notifications' consumer group exists from before the outage, as on a Redis that persists (decision 0052): a
    // group first made after Redis is back starts at its end, by design (decision 0007).
    const before = await openFastStore(redis.url, namespace);
    if (before.kind === 'redis') await before.client.xgroup('CREATE', `${namespace}:events`, 'notifications', '$', 'MKSTREAM');
    await closeFastStore(before);
    await redis.stop();
    database = await openTestDatabase();
    filesDir = await mkdtemp(path.join(tmpdir(), 'tunet-redis-down-'));
    store = await openFastStore(redis.url, namespace);
    stack = await startStack({
      database: database.connection,
      store,
      secrets: await generateSecrets(),
      demoData: true,
      fileStorage: new FilesystemStorage(filesDir),
      callerLimits: UNREACHED_CALLER_LIMITS,
    });
  });
  afterAll(async () => {
    await stack?.stop();
    if (store) await closeFastStore(store);
    await database?.drop();
    if (filesDir) await rm(filesDir, { recursive: true, force: true });
    await redis?.remove();
  });

  it('serves logins and reads, and delivers an event produced during the outage once Redis is back', async () => {
    const ready = await fetch(new URL('/readyz', stack.gatewayUrl));
    expect(ready.status).toBe(200);
    const ola = await login('ola@solbakken.example');
    const kari = await login('kari@solbakken.example');
    const me = await gql<{ me: { displayName: string } }>('{ me { displayName } }', {}, ola);
    expect(me).toEqual({ data: { me: { displayName: expect.any(String) } } });
    const feed = await gql<{ posts: { nodes: unknown[] } }>('{ posts(first: 5) { nodes { id } } }', {}, ola);
    expect(feed.errors).toBeUndefined();
    expect(feed.data!.posts.nodes.length).toBeGreaterThan(0);

    const created = await gql<{ createPost: { post: { id: string } } }>(
      'mutation { createPost(input: { title: "Vannet stenges", body: "Tirsdag 9–12." }) { post { id } } }',
      {},
      kari,
    );
    expect(created.errors).toBeUndefined();
    const postId = created.data!.createPost.post.id;
    const inbox = async () => {
      const answer = await gql<{ notifications: { nodes: { link: string }[] } }>('{ notifications(first: 50) { nodes { link } } }', {}, ola);
      return answer.data!.notifications.nodes.filter((node) => node.link.includes(postId));
    };
    expect(await inbox()).toEqual([]);

    await redis.restart();
    await eventually(async () => expect(await inbox()).toHaveLength(1), 20_000);
    // Once, not only at least once: the relays poll every 500 ms, so a post appended twice would have reached the
    // inbox again within 2 s (a redelivery after the consumers' 60 s claimIdleMs is not covered here).
    await sleep(2000);
    expect(await inbox()).toHaveLength(1);
  });
});
