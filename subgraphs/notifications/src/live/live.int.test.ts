import { randomUUID } from 'node:crypto';
import { createLogger, encodeContext, signRequest, startSubgraphServer, type RunningServer, type Viewer } from '@tunet/kit';
import { eventually } from '@tunet/kit/src/events/events.fixtures';
import { and, eq } from 'drizzle-orm';
import { notifications } from '../tables';
import { integratorOf, openNotificationsTestBed, PLATFORM_ADMIN, viewerIn, type NotificationsTestBed } from '../notifications.fixtures';
import { arrangeNotification, INBOX_SUBSCRIPTION, openStream, type OpenStream } from './live.fixtures';

const SECRET = 'live-stream-test-secret';
const A = randomUUID();

describe('the live inbox stream', () => {
  let bed: NotificationsTestBed;
  let server: RunningServer;
  let stopped: boolean;
  const opened: OpenStream[] = [];

  beforeAll(async () => {
    bed = await openNotificationsTestBed();
  });
  afterAll(async () => {
    await bed.subgraph.live.close();
    await bed.close();
  });
  beforeEach(async () => {
    server = await startSubgraphServer(bed.subgraph.definition, { port: 0, internalSecret: SECRET, logger: createLogger('live-test') });
    stopped = false;
  });
  afterEach(async () => {
    for (const stream of opened.splice(0)) stream.close();
    if (!stopped) await server.stop();
    await eventually(() => expect(bed.subgraph.live.subscriptions).toBe(0));
  });

  const streamUrl = () => new URL('/stream/inbox', server.url).toString();
  /** Opens the stream as the gateway would for the viewer: the request context signed with the exact body. */
  const streamAs = async (viewer: Viewer | null, query = INBOX_SUBSCRIPTION) => {
    const body = JSON.stringify({ query });
    const context = encodeContext({ viewer, requestId: randomUUID(), clientIp: '127.0.0.1' });
    const stream = await openStream(streamUrl(), signRequest(SECRET, { method: 'POST', url: streamUrl(), context, body }), body);
    opened.push(stream);
    return stream;
  };
  const update = (unreadCount: number, notification: Record<string, unknown> | null = null) => ({
    event: 'next',
    data: { data: { inboxUpdated: { unreadCount, notification } } },
  });
  const publish = (memberId: string, notificationId: string | null) => bed.subgraph.live.publish(A, memberId, { notificationId });

  it("opens with the unread count of the viewer's inbox", async () => {
    const viewer = viewerIn(A);
    const { db } = bed.subgraph;
    await arrangeNotification(db, A, viewer.memberId);
    await arrangeNotification(db, A, viewer.memberId);
    await arrangeNotification(db, A, viewer.memberId, { readAt: new Date() });
    await arrangeNotification(db, A, viewer.memberId, { archivedAt: new Date() });
    await arrangeNotification(db, A, viewer.memberId, { shown: false });
    await arrangeNotification(db, A, randomUUID());

    const stream = await streamAs(viewer);

    expect(stream.response.status).toBe(200);
    expect(stream.response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(await stream.events!.next()).toEqual(update(2));
  });

  it('sends each new notification with the unread count after it', async () => {
    const viewer = viewerIn(A);
    const stream = await streamAs(viewer);
    expect(await stream.events!.next()).toEqual(update(0));
    const row = await arrangeNotification(bed.subgraph.db, A, viewer.memberId, { category: 'service_requests', important: true });

    await publish(viewer.memberId, row.id);

    expect(await stream.events!.next()).toEqual(
      update(1, {
        id: row.id,
        category: 'SERVICE_REQUESTS',
        important: true,
        title: row.title,
        body: row.body,
        link: row.link,
        subjectType: 'Post',
        subjectId: row.subjectId,
        createdAt: row.createdAt.toISOString(),
        readAt: null,
        archivedAt: null,
      }),
    );
  });

  it('sends a privacy notification as the inbox shows it (the stream did not know the category)', async () => {
    const viewer = viewerIn(A);
    const stream = await streamAs(viewer);
    expect(await stream.events!.next()).toEqual(update(0));
    const row = await arrangeNotification(bed.subgraph.db, A, viewer.memberId, { category: 'privacy', important: true, link: '/settings/privacy/requests/r1' });

    await publish(viewer.memberId, row.id);

    expect(await stream.events!.next()).toEqual(
      update(1, expect.objectContaining({ id: row.id, category: 'PRIVACY', link: '/settings/privacy/requests/r1', readAt: null })),
    );
  });

  it("shows only notifications the viewer's inbox shows, and counts after every change", async () => {
    const viewer = viewerIn(A);
    const { db } = bed.subgraph;
    const unread = await arrangeNotification(db, A, viewer.memberId);
    const hidden = await arrangeNotification(db, A, viewer.memberId, { shown: false });
    const someoneElses = await arrangeNotification(db, A, randomUUID());
    const stream = await streamAs(viewer);
    expect(await stream.events!.next()).toEqual(update(1));

    await publish(viewer.memberId, hidden.id);
    expect(await stream.events!.next()).toEqual(update(1));
    await publish(viewer.memberId, someoneElses.id);
    expect(await stream.events!.next()).toEqual(update(1));
    // Read on another device: only the count changes.
    await db.tenant(A, (tx) =>
      tx
        .update(notifications)
        .set({ readAt: new Date() })
        .where(and(eq(notifications.associationId, A), eq(notifications.id, unread.id))),
    );
    await publish(viewer.memberId, null);
    expect(await stream.events!.next()).toEqual(update(0));
  });

  it("sends nothing of other members' inboxes", async () => {
    const viewer = viewerIn(A);
    const neighbour = viewerIn(A);
    const stream = await streamAs(viewer);
    expect(await stream.events!.next()).toEqual(update(0));
    const theirs = await arrangeNotification(bed.subgraph.db, A, neighbour.memberId);
    const own = await arrangeNotification(bed.subgraph.db, A, viewer.memberId);

    // The neighbour's goes first: had it reached this stream, it would be the next event.
    await publish(neighbour.memberId, theirs.id);
    await publish(viewer.memberId, own.id);

    expect(await stream.events!.next()).toMatchObject(update(1, { id: own.id }));
  });

  it.each([
    ['nobody', null, 401, 'UNAUTHENTICATED'],
    ['an integration', integratorOf(A), 403, 'FORBIDDEN'],
    ['a platform admin without a membership', PLATFORM_ADMIN, 403, 'FORBIDDEN'],
  ])('refuses %s without opening a stream', async (_who, viewer, status, code) => {
    const stream = await streamAs(viewer);

    expect(stream.response.status).toBe(status);
    expect(stream.events).toBeNull();
    expect(await stream.response.json()).toEqual({
      errors: [expect.objectContaining({ extensions: { code, reason: expect.any(String) } })],
    });
    expect(bed.subgraph.live.subscriptions).toBe(0);
  });

  it("reports a document that does not fit the schema coded as /graphql does, without graphql-js's hints at the schema", async () => {
    const stream = await streamAs(viewerIn(A), 'subscription { inboxUpdated { unreadCont } }');

    const event = await stream.events!.next();

    expect(event).toEqual({
      event: 'next',
      data: {
        errors: [
          {
            message: 'Cannot query field "unreadCont" on type "InboxUpdate".',
            locations: [{ line: 1, column: 31 }],
            extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
          },
        ],
      },
    });
    expect(await stream.events!.next()).toEqual({ event: 'complete', data: null });
  });

  it('lets go of the subscription when the client hangs up', async () => {
    const stream = await streamAs(viewerIn(A));
    await stream.events!.next();
    expect(bed.subgraph.live.subscriptions).toBe(1);

    stream.close();

    await eventually(() => expect(bed.subgraph.live.subscriptions).toBe(0));
  });

  it('ends open streams when the server stops, so the shutdown does not wait for them', async () => {
    const stream = await streamAs(viewerIn(A));
    await stream.events!.next();

    await server.stop();
    stopped = true;

    // Ended cleanly (the client reconnects elsewhere), not cut off when the drain's grace period ran out.
    expect(await stream.events!.next()).toBeNull();
    await eventually(() => expect(bed.subgraph.live.subscriptions).toBe(0));
  });

  it('answers requests without the gateway signature with 401, unknown streams with 404', async () => {
    const body = JSON.stringify({ query: INBOX_SUBSCRIPTION });
    const unsigned = await openStream(streamUrl(), {}, body);
    const context = encodeContext({ viewer: viewerIn(A), requestId: 'r1', clientIp: '' });
    const outbox = new URL('/stream/outbox', server.url).toString();
    const unknown = await openStream(outbox, signRequest(SECRET, { method: 'POST', url: outbox, context, body }), body);

    expect(unsigned.response.status).toBe(401);
    expect(unknown.response.status).toBe(404);
  });
});
