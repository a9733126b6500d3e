import { randomUUID } from 'node:crypto';
import { encodeCursor, type MemberViewer, type Viewer } from '@tunet/kit';
import { sql } from 'drizzle-orm';
import type { InboxUpdate } from '../model';
import { openNotificationsTestBed, PLATFORM_ADMIN, integratorOf, viewerIn, type NotificationsTestBed } from '../notifications.fixtures';
import { errorOf, graphqlOf, insertDelivery, insertNotification, insertNotifications } from './inbox.fixtures';
import { InboxService } from './inbox.service';

let bed: NotificationsTestBed;
let execute: ReturnType<typeof graphqlOf>;
beforeAll(async () => {
  bed = await openNotificationsTestBed();
  execute = graphqlOf(bed);
});
afterAll(() => bed.close());

type Page = { nodes: { id: string; title: string }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };

const PAGE = `query($first: Int, $after: String, $filter: NotificationFilter) {
  notifications(first: $first, after: $after, filter: $filter) { nodes { id title } pageInfo { hasNextPage endCursor } }
}`;

async function page(viewer: Viewer, variables: Record<string, unknown> = {}): Promise<Page> {
  const result = await execute<{ notifications: Page }>(viewer, PAGE, variables);
  expect(result.errors).toBeUndefined();
  return result.data!.notifications;
}

async function unread(viewer: Viewer): Promise<number> {
  const result = await execute<{ unreadNotificationCount: number }>(viewer, '{ unreadNotificationCount }');
  expect(result.errors).toBeUndefined();
  return result.data!.unreadNotificationCount;
}

describe('the inbox list', () => {
  const association = randomUUID();
  const reader = viewerIn(association);
  let titlesNewestFirst: string[];

  beforeAll(async () => {
    const rows = await insertNotifications(
      bed,
      association,
      reader.memberId,
      Array.from({ length: 25 }, (_, i) => ({ title: `Varsel ${i + 1}` })),
    );
    titlesNewestFirst = rows.map((row) => row.title).reverse();
    // Someone else's notifications, and the reader's rows that only carried an e-mail, are not in the inbox.
    await insertNotifications(bed, association, viewerIn(association).memberId, [{ title: 'Naboens' }]);
    await insertNotification(bed, association, reader.memberId, { title: 'Bare e-post', shown: false });
    await insertNotification(bed, association, null, { title: 'Invitasjon' });
  });

  it('pages through the inbox newest first in three pages', async () => {
    const first = await page(reader, { first: 10 });
    const second = await page(reader, { first: 10, after: first.pageInfo.endCursor });
    const third = await page(reader, { first: 10, after: second.pageInfo.endCursor });
    expect([first, second, third].map((p) => p.nodes.length)).toEqual([10, 10, 5]);
    expect([first, second, third].map((p) => p.pageInfo.hasNextPage)).toEqual([true, true, false]);
    expect([...first.nodes, ...second.nodes, ...third.nodes].map((node) => node.title)).toEqual(titlesNewestFirst);
  });

  it('keeps rows created within one millisecond apart across pages', async () => {
    const viewer = viewerIn(association);
    const base = '2026-03-01 10:00:00.123';
    await insertNotifications(bed, association, viewer.memberId, [
      { title: 'a', createdAt: sql`${`${base}100+00`}::timestamptz` },
      { title: 'b', createdAt: sql`${`${base}500+00`}::timestamptz` },
      { title: 'c', createdAt: sql`${`${base}900+00`}::timestamptz` },
    ]);
    const seen: string[] = [];
    let after: string | null = null;
    do {
      const next: Page = await page(viewer, { first: 1, after });
      seen.push(...next.nodes.map((node) => node.title));
      after = next.pageInfo.hasNextPage ? next.pageInfo.endCursor : null;
    } while (after);
    expect(seen).toEqual(['c', 'b', 'a']);
  });

  it.each([
    ['not base64 JSON', 'ikke-en-peker'],
    ['a wrong shape', encodeCursor(['x'])],
    ['a month that does not exist', encodeCursor(['2026-13-01T00:00:00.000000Z', randomUUID()])],
    ['year zero', encodeCursor(['0000-01-01T00:00:00.000000Z', randomUUID()])],
    ['an id that is no uuid', encodeCursor(['2026-01-01T00:00:00.000000Z', 'x'])],
  ])('refuses a forged cursor (%s) with BAD_USER_INPUT on after', async (_what, cursor) => {
    const result = await execute(reader, PAGE, { after: cursor });
    expect(errorOf(result)).toEqual({ code: 'BAD_USER_INPUT', field: 'after' });
  });

  it("counts the list's notifications over every page, with the same filter, only the reader's shown ones", async () => {
    const COUNT = `query($first: Int, $filter: NotificationFilter) { notifications(first: $first, filter: $filter) { nodes { id } totalCount } }`;
    const counted = async (filter: Record<string, unknown> | null) =>
      (await execute<{ notifications: { nodes: unknown[]; totalCount: number } }>(reader, COUNT, { first: 2, filter })).data!.notifications;
    expect(await counted(null)).toMatchObject({ totalCount: 25 });
    expect((await counted(null)).nodes).toHaveLength(2);
    expect((await counted({ archived: true })).totalCount).toBe(0);
    expect((await counted({ categories: [] })).totalCount).toBe(0);
    expect((await counted({ categories: ['NEWS'], unreadOnly: true })).totalCount).toBe(25);
    expect((await counted({ categories: ['BILLING'] })).totalCount).toBe(0);
  });

  it('refuses a page size out of range', async () => {
    expect(errorOf(await execute(reader, PAGE, { first: 0 }))).toEqual({ code: 'BAD_USER_INPUT', field: 'first' });
    expect(errorOf(await execute(reader, PAGE, { first: 101 }))).toEqual({ code: 'BAD_USER_INPUT', field: 'first' });
  });
});

describe('filters, reading and archiving', () => {
  const association = randomUUID();

  it('filters by category and unread, and archived ones move to the archive', async () => {
    const viewer = viewerIn(association);
    const [news, , booking] = await insertNotifications(bed, association, viewer.memberId, [
      { title: 'Nyhet', category: 'news' },
      { title: 'Vannet stenges', category: 'important', important: true },
      { title: 'Booking bekreftet', category: 'reservations' },
    ]);
    const titles = async (variables: Record<string, unknown>) => (await page(viewer, variables)).nodes.map((node) => node.title);

    expect(await titles({ filter: { categories: ['IMPORTANT', 'RESERVATIONS'] } })).toEqual(['Booking bekreftet', 'Vannet stenges']);
    expect(await titles({ filter: { categories: [] } })).toEqual([]);
    await execute(viewer, 'mutation($id: ID!) { markNotificationRead(input: { id: $id }) { unreadCount } }', { id: booking!.id });
    expect(await titles({ filter: { unreadOnly: true } })).toEqual(['Vannet stenges', 'Nyhet']);

    const archived = await execute<{ archiveNotification: { notification: { archivedAt: string | null; readAt: string | null }; unreadCount: number } }>(
      viewer,
      'mutation($id: ID!) { archiveNotification(input: { id: $id }) { notification { archivedAt readAt } unreadCount } }',
      { id: news!.id },
    );
    expect(archived.errors).toBeUndefined();
    expect(archived.data!.archiveNotification.notification.archivedAt).not.toBeNull();
    expect(archived.data!.archiveNotification.notification.readAt).not.toBeNull();
    expect(archived.data!.archiveNotification.unreadCount).toBe(1);
    expect(await titles({})).toEqual(['Booking bekreftet', 'Vannet stenges']);
    expect(await titles({ filter: { archived: true } })).toEqual(['Nyhet']);
    expect(await unread(viewer)).toBe(1);
  });

  it('counts unread ones down as they are read, and marks all read', async () => {
    const viewer = viewerIn(association);
    const rows = await insertNotifications(bed, association, viewer.memberId, [{}, {}, {}, { shown: false }]);
    expect(await unread(viewer)).toBe(3);

    const markRead = 'mutation($id: ID!) { markNotificationRead(input: { id: $id }) { notification { id readAt } unreadCount } }';
    const once = await execute<{ markNotificationRead: { notification: { readAt: string }; unreadCount: number } }>(viewer, markRead, { id: rows[0]!.id });
    expect(once.data!.markNotificationRead.unreadCount).toBe(2);
    const again = await execute<{ markNotificationRead: { notification: { readAt: string }; unreadCount: number } }>(viewer, markRead, { id: rows[0]!.id });
    // Reading it again keeps the moment it was first read.
    expect(again.data!.markNotificationRead).toEqual(once.data!.markNotificationRead);

    const all = await execute(viewer, 'mutation { markAllNotificationsRead { markedCount unreadCount } }');
    expect(all.data).toEqual({ markAllNotificationsRead: { markedCount: 2, unreadCount: 0 } });
    expect(await unread(viewer)).toBe(0);
    const none = await execute(viewer, 'mutation { markAllNotificationsRead { markedCount unreadCount } }');
    expect(none.data).toEqual({ markAllNotificationsRead: { markedCount: 0, unreadCount: 0 } });
  });

  it('tells the live feed when the unread count changed, and only then', async () => {
    const viewer = viewerIn(association);
    const published: { associationId: string; memberId: string; update: InboxUpdate }[] = [];
    const feed = { publish: async (associationId: string, memberId: string, update: InboxUpdate) => void published.push({ associationId, memberId, update }) };
    const inbox = new InboxService(bed.subgraph.inboxRepository, feed);
    const loaders = bed.contextFor(viewer).inboxLoaders;
    const [first, second] = await insertNotifications(bed, association, viewer.memberId, [{}, {}, {}]);

    await inbox.markRead(viewer, loaders, first!.id);
    await inbox.markRead(viewer, loaders, first!.id);
    await inbox.archive(viewer, loaders, second!.id);
    await inbox.archive(viewer, loaders, second!.id);
    await inbox.markAllRead(viewer);
    await inbox.markAllRead(viewer);
    const expected = { associationId: association, memberId: viewer.memberId, update: { notificationId: null } };
    expect(published).toEqual([expected, expected, expected]);
  });

  it('still answers when the live feed fails', async () => {
    const viewer = viewerIn(association);
    const inbox = new InboxService(bed.subgraph.inboxRepository, { publish: () => Promise.reject(new Error('Redis er borte')) });
    const row = await insertNotification(bed, association, viewer.memberId);
    const marked = await inbox.markRead(viewer, bed.contextFor(viewer).inboxLoaders, row.id);
    expect(marked.notification.readAt).not.toBeNull();
  });
});

describe('whose notifications', () => {
  const association = randomUUID();
  const other = randomUUID();
  const owner = viewerIn(association);
  const neighbour = viewerIn(association, 'board');
  const outsider = viewerIn(other, 'board');
  let mine: string;
  let notShown: string;

  beforeAll(async () => {
    mine = (await insertNotification(bed, association, owner.memberId, { title: 'Min' })).id;
    notShown = (await insertNotification(bed, association, owner.memberId, { shown: false })).id;
  });

  const byId = 'query($id: ID!) { notification(id: $id) { id title } }';
  const mutations = [
    'mutation($id: ID!) { markNotificationRead(input: { id: $id }) { unreadCount } }',
    'mutation($id: ID!) { archiveNotification(input: { id: $id }) { unreadCount } }',
  ];
  const entities = 'query($r: [_Any!]!) { _entities(representations: $r) { ... on Notification { id title } } }';

  it('shows the owner their own notification, by id and as an entity', async () => {
    expect((await execute(owner, byId, { id: mine })).data).toEqual({ notification: { id: mine, title: 'Min' } });
    const resolved = await execute(owner, entities, { r: [{ __typename: 'Notification', id: mine }] });
    expect(resolved.data).toEqual({ _entities: [{ id: mine, title: 'Min' }] });
  });

  it.each([
    ['another member, the board included', neighbour],
    ['a member of another association', outsider],
  ])('is NOT_FOUND for %s, by id, by mutation and as a null entity', async (_who, viewer) => {
    expect(errorOf(await execute(viewer, byId, { id: mine }))).toEqual({ code: 'NOT_FOUND' });
    for (const mutation of mutations) expect(errorOf(await execute(viewer, mutation, { id: mine }))).toEqual({ code: 'NOT_FOUND' });
    const resolved = await execute(viewer, entities, { r: [{ __typename: 'Notification', id: mine }] });
    expect(resolved.errors).toBeUndefined();
    expect(resolved.data).toEqual({ _entities: [null] });
  });

  it('is NOT_FOUND for malformed ids and for rows the inbox does not show', async () => {
    for (const id of ['ikke-en-id', randomUUID(), notShown]) {
      expect(errorOf(await execute(owner, byId, { id }))).toEqual({ code: 'NOT_FOUND' });
      for (const mutation of mutations) expect(errorOf(await execute(owner, mutation, { id }))).toEqual({ code: 'NOT_FOUND' });
    }
  });

  it('leaves another association its own inbox, empty', async () => {
    expect((await page(outsider)).nodes).toEqual([]);
    expect(await unread(outsider)).toBe(0);
  });

  const everyOperation = [
    ['notifications', PAGE, {}],
    ['notification', byId, { id: randomUUID() }],
    ['unreadNotificationCount', '{ unreadNotificationCount }', {}],
    ['markNotificationRead', mutations[0]!, { id: randomUUID() }],
    ['markAllNotificationsRead', 'mutation { markAllNotificationsRead { markedCount } }', {}],
    ['archiveNotification', mutations[1]!, { id: randomUUID() }],
  ] as const;

  it.each([
    ['anonymous', null, 'UNAUTHENTICATED'],
    ['an integration key', integratorOf(association), 'FORBIDDEN'],
    ['a platform admin without membership', PLATFORM_ADMIN, 'FORBIDDEN'],
  ] as const)('refuses %s everything (%s)', async (_who, viewer, code) => {
    for (const [, source, variables] of everyOperation) {
      expect(errorOf(await execute(viewer, source, variables))).toEqual({ code });
    }
    const resolved = await execute(viewer, entities, { r: [{ __typename: 'Notification', id: mine }] });
    expect(resolved.data).toEqual({ _entities: [null] });
  });
});

describe('the SQL cost', () => {
  const association = randomUUID();
  const owner = viewerIn(association);
  let ids: string[];

  beforeAll(async () => {
    const rows = await insertNotifications(
      bed,
      association,
      owner.memberId,
      Array.from({ length: 100 }, () => ({})),
    );
    ids = rows.map((row) => row.id);
    for (const row of rows) {
      await insertDelivery(bed, row, { channel: 'email' });
      await insertDelivery(bed, row, { channel: 'push', address: null, status: 'sent' });
    }
  });

  const cost = async (viewer: MemberViewer, source: string, variables: Record<string, unknown>, check: (data: Record<string, unknown>) => void) => {
    const before = bed.subgraph.db.queryCount;
    const result = await execute(viewer, source, variables);
    expect(result.errors).toBeUndefined();
    check(result.data!);
    return bed.subgraph.db.queryCount - before;
  };

  it('resolves 1, 10 or 100 Notification references with the same number of statements', async () => {
    const entities = 'query($r: [_Any!]!) { _entities(representations: $r) { ... on Notification { id deliveries { channel } } } }';
    const references = async (count: number) =>
      cost(owner, entities, { r: ids.slice(0, count).map((id) => ({ __typename: 'Notification', id })) }, (data) => {
        const resolved = data._entities as { id: string; deliveries: { channel: string }[] }[];
        expect(resolved.map((entity) => entity.id)).toEqual(ids.slice(0, count));
        expect(
          resolved.every(
            (entity) =>
              entity.deliveries
                .map((d) => d.channel)
                .sort()
                .join() === 'EMAIL,PUSH',
          ),
        ).toBe(true);
      });
    const one = await references(1);
    expect(one).toBeGreaterThan(0);
    expect(await references(10)).toBe(one);
    expect(await references(100)).toBe(one);
  });

  it('lists a page of 10 or 100 with their deliveries and recipients in the same number of statements', async () => {
    const list = `query($first: Int) { notifications(first: $first) { nodes { id deliveries { status recipient { id } notification { id } } } } }`;
    const listing = async (first: number) =>
      cost(owner, list, { first }, (data) => {
        const nodes = (data.notifications as { nodes: { id: string; deliveries: { status: string; recipient: { id: string } }[] }[] }).nodes;
        expect(nodes).toHaveLength(first);
        expect(nodes.every((node) => node.deliveries.length === 2 && node.deliveries.every((d) => d.recipient.id === owner.memberId))).toBe(true);
      });
    const ten = await listing(10);
    expect(await listing(100)).toBe(ten);
  });
});
