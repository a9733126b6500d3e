import { DEMO } from '@tunet/members';
import { errorReasons } from '@tunet/kit';
import { eventually } from '@tunet/kit/src/events/events.fixtures';
import { arrangeNotification, INBOX_SUBSCRIPTION, openStream, type OpenStream, type StreamEvent } from '@tunet/notifications/src/live/live.fixtures';
import { createClient } from 'graphql-sse';
import { accessTokens, createApiKeySecret, openE2E, type E2E } from './e2e.fixtures';

interface InboxUpdated {
  inboxUpdated: { unreadCount: number; notification: { id: string; category: string; title: string; createdAt: string } | null };
}

describe('the live inbox through the gateway', () => {
  let e2e: E2E;
  let tokens: { ola: string; per: string; kari: string };
  const opened: OpenStream[] = [];

  beforeAll(async () => {
    e2e = await openE2E();
    tokens = await accessTokens(e2e, { ola: 'ola@solbakken.example', per: 'per@solbakken.example', kari: 'kari@solbakken.example' });
  });
  afterAll(async () => {
    await e2e?.close();
  });
  afterEach(async () => {
    for (const stream of opened.splice(0)) stream.close();
    await eventually(() => expect(e2e.stack.notifications.live.subscriptions).toBe(0));
  });

  const streamUrl = () => new URL('/graphql/stream', e2e.stack.gatewayUrl).toString();
  const body = JSON.stringify({ query: INBOX_SUBSCRIPTION });
  const open = async (authorization?: string) => {
    const stream = await openStream(streamUrl(), authorization ? { authorization } : {}, body);
    opened.push(stream);
    return stream;
  };
  /** A notification for the demo resident, written as ingest writes it and announced on the live feed. */
  const notify = async (memberId: string, title: string) => {
    const row = await arrangeNotification(e2e.stack.notifications.db, DEMO.solbakken, memberId, { title });
    await e2e.stack.notifications.live.publish(DEMO.solbakken, memberId, { notificationId: row.id });
    return row;
  };
  /**
   * Events up to and including the one with the notification. Other notifications may come first: the demo data's
   * events reach ingest while the test runs, and it announces what it writes.
   */
  const eventsUntil = async (stream: OpenStream, notificationId: string) => {
    const events: StreamEvent[] = [];
    for (;;) {
      const event = await stream.events!.next();
      if (!event) throw new Error(`the stream ended before ${notificationId} came: ${JSON.stringify(events)}`);
      events.push(event);
      if ((event.data as { data?: InboxUpdated }).data?.inboxUpdated.notification?.id === notificationId) return events;
    }
  };

  it('sends a resident their new notification and unread count, with graphql-sse as the client', async () => {
    const client = createClient({ url: streamUrl(), headers: { authorization: `Bearer ${tokens.ola}` }, retryAttempts: 0 });
    const updates = client.iterate<InboxUpdated>({ query: INBOX_SUBSCRIPTION });
    try {
      const first = await updates.next();
      expect(first.value).toEqual({ data: { inboxUpdated: { unreadCount: expect.any(Number), notification: null } } });
      await eventually(() => expect(e2e.stack.notifications.live.subscriptions).toBe(1));

      const row = await notify(DEMO.ola, 'Vannet stenges tirsdag');

      let received: InboxUpdated['inboxUpdated'] | undefined;
      for await (const result of updates) {
        received = result.data?.inboxUpdated;
        if (received?.notification?.id === row.id) break;
      }
      expect(received).toEqual({
        unreadCount: expect.any(Number),
        notification: expect.objectContaining({ id: row.id, category: 'NEWS', title: 'Vannet stenges tirsdag', createdAt: row.createdAt.toISOString() }),
      });
      expect(received!.unreadCount).toBeGreaterThanOrEqual(1);
    } finally {
      await updates.return?.();
      client.dispose();
    }
  });

  it("sends nothing of one resident's inbox to another", async () => {
    const perStream = await open(`Bearer ${tokens.per}`);
    const olaStream = await open(`Bearer ${tokens.ola}`);
    expect(perStream.response.status).toBe(200);
    await perStream.events!.next();
    await olaStream.events!.next();

    // Ola's goes first: had it reached Per's stream, it would come before Per's own.
    const olas = await notify(DEMO.ola, 'Til Ola');
    const pers = await notify(DEMO.per, 'Til Per');

    const perEvents = JSON.stringify(await eventsUntil(perStream, pers.id));
    expect(perEvents).not.toContain(olas.id);
    expect(JSON.stringify(await eventsUntil(olaStream, olas.id))).not.toContain(pers.id);
  });

  it('refuses a request without a token with 401, and an API key with 403, opening no stream', async () => {
    const anonymous = await open();
    const apiKey = await createApiKeySecret(e2e, tokens.kari, ['MEMBERS_READ']);
    const integration = await open(`Bearer ${apiKey}`);

    expect(anonymous.response.status).toBe(401);
    expect(await anonymous.response.json()).toEqual({
      errors: [expect.objectContaining({ extensions: { code: 'UNAUTHENTICATED', reason: 'NOT_LOGGED_IN', requestId: expect.any(String) } })],
    });
    expect(integration.response.status).toBe(403);
    expect(await integration.response.json()).toEqual({
      errors: [expect.objectContaining({ extensions: { code: 'FORBIDDEN', reason: expect.any(String), requestId: expect.any(String) } })],
    });
    expect(e2e.stack.notifications.live.subscriptions).toBe(0);
  });

  it('refuses a token it cannot verify at the gateway itself', async () => {
    const stream = await open(`Bearer ${tokens.ola.slice(0, -4)}AAAA`);

    expect(stream.response.status).toBe(401);
    expect(await stream.response.json()).toEqual({ errors: [expect.objectContaining({ extensions: expect.objectContaining({ code: 'UNAUTHENTICATED' }) })] });
  });

  it.each([
    ['without Accept: text/event-stream', { accept: 'application/json' }, 404, 'STREAM_REQUEST_REFUSED'],
    ['with a body that is not sent as JSON', { 'content-type': 'text/plain' }, 415, 'STREAM_CONTENT_TYPE_REFUSED'],
  ] as const)('tells a request %s how to ask instead, opening no stream', async (_what, headers, status, reason) => {
    const stream = await openStream(streamUrl(), { authorization: `Bearer ${tokens.ola}`, 'accept-language': 'en', ...headers }, body);
    opened.push(stream);

    expect(stream.response.status).toBe(status);
    expect(await stream.response.json()).toEqual({
      errors: [{ message: errorReasons[reason].en(), extensions: { code: 'BAD_REQUEST', reason, requestId: expect.any(String) } }],
    });
    expect(e2e.stack.notifications.live.subscriptions).toBe(0);
  });

  it("ends the subgraph's subscription when the client goes away", async () => {
    const stream = await open(`Bearer ${tokens.ola}`);
    await stream.events!.next();
    expect(e2e.stack.notifications.live.subscriptions).toBe(1);

    stream.close();

    await eventually(() => expect(e2e.stack.notifications.live.subscriptions).toBe(0));
  });
});
