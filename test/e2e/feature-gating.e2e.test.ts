import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { startGateway } from '@tunet/gateway';
import {
  closeFastStore,
  createLogger,
  encodeContext,
  openFastStore,
  signRequest,
  type Entitlements,
  type FastStore,
  type RunningServer,
  type Viewer,
} from '@tunet/kit';
import { DEMO, DEMO_OPERATOR_EMAIL } from '@tunet/members';
import { codes, createApiKeySecret, openE2E, type E2E, type GraphQLResponse } from './e2e.fixtures';

const SUPERGRAPH = path.resolve(__dirname, '../../schema/supergraph.graphql');
const SMS_USAGE = '{ smsUsage { month sent limit } }';
const ENABLE = 'mutation ($a: ID!, $until: Date) { enableFeature(input: { associationId: $a, feature: "sms", trialEndsOn: $until }) { subscription { id } } }';
const DISABLE =
  'mutation ($a: ID!) { disableFeature(input: { associationId: $a, feature: "sms", reason: "Prøveperioden avsluttet" }) { subscription { id } } }';

/** Sits in front of a subgraph and counts the requests that reach it, passing each on unchanged (path and headers). */
async function countingProxy(): Promise<{ url: string; target: string; count: number; close(): Promise<void> }> {
  const proxy = {
    url: '',
    target: '',
    count: 0,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  const server = http.createServer((req, res) => {
    proxy.count++;
    const target = new URL(proxy.target);
    const upstream = http.request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  proxy.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  return proxy;
}

/** A second gateway process as far as sharing goes: its own connection to the same Redis, nothing in memory shared. */
async function startSecondGateway(e2e: E2E, store: FastStore, subgraphUrls: Record<string, string>): Promise<RunningServer> {
  return startGateway({
    port: 0,
    supergraphPath: SUPERGRAPH,
    subgraphUrls,
    jwtPublicKey: e2e.secrets.jwtPublicKey,
    internalSecret: e2e.secrets.internalSecret,
    introspection: false,
    store,
    logger: createLogger('gateway-b'),
  });
}

async function gqlAt(url: string, query: string, token: string): Promise<GraphQLResponse> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query }),
  });
  return { status: response.status, ...((await response.json()) as object) };
}

const refused = (result: GraphQLResponse) => codes(result).includes('FEATURE_NOT_SUBSCRIBED');

describe('paid features enforced at the gateway', () => {
  let e2e: E2E;
  let notifications: Awaited<ReturnType<typeof countingProxy>>;
  let members: Awaited<ReturnType<typeof countingProxy>>;
  let secondStore: FastStore;
  let second: RunningServer;
  let board: string;
  let operator: string;
  const trialEndsOn = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);

  const toggle = async (on: boolean) => {
    const result = await e2e.gql(on ? ENABLE : DISABLE, on ? { a: DEMO.solbakken, until: trialEndsOn } : { a: DEMO.solbakken }, operator);
    if (result.errors) throw new Error(`toggling sms ${on ? 'on' : 'off'} failed: ${JSON.stringify(result.errors)}`);
  };

  beforeAll(async () => {
    notifications = await countingProxy();
    members = await countingProxy();
    e2e = await openE2E(undefined, { gatewaySubgraphUrls: { notifications: notifications.url, members: members.url } });
    notifications.target = e2e.stack.subgraphUrls.notifications;
    members.target = e2e.stack.subgraphUrls.members;
    secondStore = await openFastStore(process.env.TEST_REDIS_URL, e2e.store.namespace);
    second = await startSecondGateway(e2e, secondStore, e2e.stack.subgraphUrls);
    board = (await e2e.login('kari@solbakken.example')).accessToken;
    operator = (await e2e.login(DEMO_OPERATOR_EMAIL)).accessToken;
    // Solbakken's demo subscribes to SMS: every test starts with it off.
    await toggle(false);
  });
  afterAll(async () => {
    await second?.stop();
    if (secondStore) await closeFastStore(secondStore);
    await e2e?.close();
    await notifications?.close();
    await members?.close();
  });

  it('refuses a paid field without the add-on before calling any subgraph, and answers once it is on', async () => {
    const before = { notifications: notifications.count, members: members.count };
    const off = await e2e.gql(`{ me { id } unreadNotificationCount ${SMS_USAGE.slice(1, -1)} }`, {}, board);
    expect(off.status).toBe(403);
    expect(off.data ?? null).toBeNull();
    expect(off.errors).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'FEATURE_NOT_SUBSCRIBED', feature: 'sms' }) })]);
    expect({ notifications: notifications.count, members: members.count }).toEqual(before);
    // The same person's unpaid operations go on.
    expect((await e2e.gql('{ me { id } unreadNotificationCount }', {}, board)).errors).toBeUndefined();

    await toggle(true);
    const on = await e2e.gql(SMS_USAGE, {}, board);
    expect(codes(on)).not.toContain('FEATURE_NOT_SUBSCRIBED');
    expect(notifications.count).toBeGreaterThan(before.notifications);

    await toggle(false);
    expect(codes(await e2e.gql(SMS_USAGE, {}, board))).toEqual(['FEATURE_NOT_SUBSCRIBED']);
  });

  it("refuses the paid field to another association's board and to an integration's key of an association without it", async () => {
    const fjordly = (await e2e.login('eva@fjordly.example')).accessToken;
    const integrator = await createApiKeySecret(e2e, board, ['MEMBERS_READ']);
    expect(codes(await e2e.gql(SMS_USAGE, {}, fjordly))).toEqual(['FEATURE_NOT_SUBSCRIBED']);
    expect(codes(await e2e.gql(SMS_USAGE, {}, integrator))).toEqual(['FEATURE_NOT_SUBSCRIBED']);
    // Anonymous callers have no association to check: the subgraph refuses them as before.
    expect(codes(await e2e.gql(SMS_USAGE))).toEqual(['UNAUTHENTICATED']);
  });

  it('answers smsUsage to each kind of caller by the add-on, then by who they are (access matrix)', async () => {
    const tokens: Record<string, string | undefined> = {
      anonymous: undefined,
      resident: (await e2e.login('ola@solbakken.example')).accessToken,
      board,
      'other association': (await e2e.login('eva@fjordly.example')).accessToken,
      integrator: await createApiKeySecret(e2e, board, ['MEMBERS_READ']),
      'platform operator': operator,
    };
    const outcomes = async () => {
      const row: Record<string, string> = {};
      for (const [actor, token] of Object.entries(tokens)) row[actor] = (codes(await e2e.gql(SMS_USAGE, {}, token))[0] as string | undefined) ?? 'OK';
      return row;
    };

    // Without the add-on the gate answers first for everyone in Solbakken or Fjordly; the operator acts in no
    // association, so the subgraph's own rule (board only) answers.
    expect(await outcomes()).toEqual({
      anonymous: 'UNAUTHENTICATED',
      resident: 'FEATURE_NOT_SUBSCRIBED',
      board: 'FEATURE_NOT_SUBSCRIBED',
      'other association': 'FEATURE_NOT_SUBSCRIBED',
      integrator: 'FEATURE_NOT_SUBSCRIBED',
      'platform operator': 'FORBIDDEN',
    });
    await toggle(true);
    try {
      expect(await outcomes()).toEqual({
        anonymous: 'UNAUTHENTICATED',
        resident: 'FORBIDDEN',
        board: 'OK',
        'other association': 'FEATURE_NOT_SUBSCRIBED',
        integrator: 'FORBIDDEN',
        'platform operator': 'FORBIDDEN',
      });
    } finally {
      await toggle(false);
    }
  });

  it('takes a toggle into account on another gateway process within a second, 20 times in a row', async () => {
    const figures: number[] = [];
    let on = false;
    expect(refused(await gqlAt(second.url, SMS_USAGE, board))).toBe(true);
    for (let i = 0; i < 20; i++) {
      on = !on;
      await toggle(on);
      const changed = performance.now();
      for (;;) {
        const result = await gqlAt(second.url, SMS_USAGE, board);
        if (refused(result) !== on) break;
        if (performance.now() - changed > 5_000) throw new Error(`toggle ${i + 1} did not reach the second gateway in 5 s`);
      }
      figures.push(performance.now() - changed);
    }
    if (on) await toggle(false);
    const sorted = [...figures].sort((a, b) => a - b);
    console.log(
      `entitlement toggles seen by the second gateway (ms): slowest ${sorted.at(-1)!.toFixed(1)}, median ${sorted[10]!.toFixed(1)}; all: ${figures.map((ms) => ms.toFixed(1)).join(', ')}`,
    );
    expect(Math.max(...figures)).toBeLessThan(1_000);
  });

  it('refuses only paid fields while billing cannot be asked: the rest works', async () => {
    const unreachable = await countingProxy();
    unreachable.target = 'http://127.0.0.1:9/graphql';
    const store = await openFastStore(process.env.TEST_REDIS_URL, `${e2e.store.namespace}-billing-down`);
    const third = await startSecondGateway(e2e, store, { ...e2e.stack.subgraphUrls, billing: unreachable.url });
    try {
      const paid = await gqlAt(third.url, SMS_USAGE, board);
      expect(paid.status).toBe(503);
      expect(codes(paid)).toEqual(['SERVICE_UNAVAILABLE']);
      expect(await gqlAt(third.url, '{ me { id } }', board)).toMatchObject({ status: 200, data: { me: { id: DEMO.kari } } });
    } finally {
      await third.stop();
      await closeFastStore(store);
      await unreachable.close();
    }
  });

  it('refuses a signed request straight to the subgraph whose context lacks the add-on', async () => {
    const viewer: Viewer = {
      accountId: randomUUID(),
      associationId: DEMO.solbakken,
      memberId: DEMO.kari,
      role: 'board',
      platformAdmin: false,
      sessionId: null,
    };
    const call = async (features: string[]) => {
      const entitlements: Entitlements = { associationId: DEMO.solbakken, features, limits: { smsPerMonth: features.includes('sms') ? 500 : 0 } };
      const context = encodeContext({ viewer, requestId: 'direct', clientIp: '', entitlements });
      const body = JSON.stringify({ query: SMS_USAGE });
      const url = e2e.stack.subgraphUrls.notifications;
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...signRequest(e2e.secrets.internalSecret, { method: 'POST', url, context, body }) },
        body,
      });
      return { status: response.status, ...((await response.json()) as object) } as GraphQLResponse;
    };
    expect(codes(await call(['base']))).toEqual(['FEATURE_NOT_SUBSCRIBED']);
    expect(await call(['base', 'sms'])).toMatchObject({ data: { smsUsage: { limit: 500 } } });
  });
});
