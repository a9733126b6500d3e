import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { errorOf, graphqlOf, insertDelivery, insertNotification } from '../inbox/inbox.fixtures';
import { openNotificationsTestBed, PLATFORM_ADMIN, integratorOf, viewerIn, type NotificationsTestBed } from '../notifications.fixtures';

let bed: NotificationsTestBed;
let execute: ReturnType<typeof graphqlOf>;
beforeAll(async () => {
  bed = await openNotificationsTestBed();
  execute = graphqlOf(bed);
});
afterAll(() => bed.close());

type DeliveryNode = {
  id: string;
  channel: string;
  status: string;
  lastError: string | null;
  address: string | null;
  recipient: { id: string } | null;
  notification: { title: string; readAt: string | null };
};
type Connection = { nodes: DeliveryNode[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };

const FIELDS = 'nodes { id channel status lastError address recipient { id } notification { title readAt } } pageInfo { hasNextPage endCursor }';
const MINE = `query($first: Int, $after: String) { myFailedDeliveries(first: $first, after: $after) { ${FIELDS} } }`;
const BOARD = `query($first: Int, $after: String) { failedDeliveries(first: $first, after: $after) { ${FIELDS} } }`;

const association = randomUUID();
const other = randomUUID();
const resident = viewerIn(association);
const neighbour = viewerIn(association);
const board = viewerIn(association, 'board');
const minutesAgo = (minutes: number) => sql`now() - make_interval(mins => ${minutes})`;

let failedIds: string[];

beforeAll(async () => {
  const mine = await insertNotification(bed, association, resident.memberId, { title: 'Vannet stenges' });
  const theirs = await insertNotification(bed, association, neighbour.memberId, { title: 'Dugnad' });
  const invitation = await insertNotification(bed, association, null, { title: 'Invitasjon' });
  const elsewhere = await insertNotification(bed, other, viewerIn(other).memberId, { title: 'Annet lag' });
  await bed.subgraph.inboxRepository.markRead(association, resident.memberId, mine.id);
  const bounced = await insertDelivery(bed, mine, { status: 'bounced', lastError: '550 5.1.1 mailbox unavailable', updatedAt: minutesAgo(1) });
  const failed = await insertDelivery(bed, mine, { channel: 'sms', address: '+4799999999', status: 'failed', lastError: 'timeout', updatedAt: minutesAgo(2) });
  await insertDelivery(bed, mine, { channel: 'push', address: null, status: 'sent', updatedAt: minutesAgo(0) });
  const neighbours = await insertDelivery(bed, theirs, { status: 'failed', lastError: 'no MX', updatedAt: minutesAgo(3) });
  await insertDelivery(bed, theirs, { channel: 'push', address: null, status: 'queued' });
  const invited = await insertDelivery(bed, invitation, { status: 'bounced', lastError: '550 no such user', updatedAt: minutesAgo(4) });
  await insertDelivery(bed, elsewhere, { status: 'failed', lastError: 'other association' });
  failedIds = [bounced.id, failed.id, neighbours.id, invited.id];
});

async function connection(viewer: Parameters<typeof execute>[0], source: string, variables: Record<string, unknown> = {}): Promise<Connection> {
  const result = await execute<Record<string, Connection>>(viewer, source, variables);
  expect(result.errors).toBeUndefined();
  return Object.values(result.data!)[0]!;
}

describe('myFailedDeliveries', () => {
  it("lists the viewer's own failed and bounced deliveries, newest first, with the provider's answer", async () => {
    const mine = await connection(resident, MINE);
    expect(mine.nodes.map((node) => [node.id, node.channel, node.status, node.lastError, node.address])).toEqual([
      [failedIds[0], 'EMAIL', 'BOUNCED', '550 5.1.1 mailbox unavailable', 'beboer@example.test'],
      [failedIds[1], 'SMS', 'FAILED', 'timeout', '+4799999999'],
    ]);
    expect(mine.nodes[0]!.recipient).toEqual({ id: resident.memberId });
    expect(mine.nodes[0]!.notification.title).toBe('Vannet stenges');
    expect(mine.nodes[0]!.notification.readAt).not.toBeNull();
  });

  it('is empty for a member with none and for another association', async () => {
    expect((await connection(viewerIn(association), MINE)).nodes).toEqual([]);
    expect((await connection(viewerIn(other, 'board'), MINE)).nodes).toEqual([]);
  });
});

describe('failedDeliveries', () => {
  it("shows the board the association's failed and bounced deliveries, newest first, in pages", async () => {
    const first = await connection(board, BOARD, { first: 3 });
    const second = await connection(board, BOARD, { first: 3, after: first.pageInfo.endCursor });
    expect([...first.nodes, ...second.nodes].map((node) => node.id)).toEqual(failedIds);
    expect([first.pageInfo.hasNextPage, second.pageInfo.hasNextPage]).toEqual([true, false]);
    const invitation = second.nodes[0]!;
    expect(invitation.recipient).toBeNull();
    expect(invitation.notification.title).toBe('Invitasjon');
  });

  it('does not tell the board when a neighbour read their notification', async () => {
    const nodes = (await connection(board, BOARD)).nodes;
    expect(nodes[0]!.notification).toEqual({ title: 'Vannet stenges', readAt: null });
  });

  it("shows the board a notification's other deliveries, and a resident none of a neighbour's", async () => {
    const query = `{ failedDeliveries { nodes { notification { title deliveries { channel status } } } } }`;
    const result = await execute<{ failedDeliveries: { nodes: { notification: { title: string; deliveries: unknown[] } }[] } }>(board, query);
    const dugnad = result.data!.failedDeliveries.nodes.find((node) => node.notification.title === 'Dugnad')!;
    expect(dugnad.notification.deliveries).toEqual([
      { channel: 'EMAIL', status: 'FAILED' },
      { channel: 'PUSH', status: 'QUEUED' },
    ]);
  });

  it('shows the board of another association only its own', async () => {
    const nodes = (await connection(viewerIn(other, 'board'), BOARD)).nodes;
    expect(nodes.map((node) => node.lastError)).toEqual(['other association']);
  });

  it.each([
    ['a resident', resident, 'FORBIDDEN'],
    ['an external', viewerIn(association, 'external'), 'FORBIDDEN'],
    ['an integration key', integratorOf(association), 'FORBIDDEN'],
    ['a platform admin without membership', PLATFORM_ADMIN, 'FORBIDDEN'],
    ['anonymous', null, 'UNAUTHENTICATED'],
  ] as const)('refuses %s', async (_who, viewer, code) => {
    expect(errorOf(await execute(viewer, BOARD))).toEqual({ code });
  });

  it('refuses integrations, admins and the anonymous their own list too', async () => {
    expect(errorOf(await execute(integratorOf(association), MINE))).toEqual({ code: 'FORBIDDEN' });
    expect(errorOf(await execute(PLATFORM_ADMIN, MINE))).toEqual({ code: 'FORBIDDEN' });
    expect(errorOf(await execute(null, MINE))).toEqual({ code: 'UNAUTHENTICATED' });
  });

  it('never shows the board the token of a bounced password reset or invitation e-mail (decision 0046, review fixes)', async () => {
    const elsewhere = randomUUID();
    const reset = await insertNotification(bed, elsewhere, null, {
      topic: 'account.password_reset_requested',
      title: 'Velg nytt passord',
      link: '/reset-password#token=hemmelig',
    });
    const invited = await insertNotification(bed, elsewhere, null, { topic: 'member.invited', title: 'Invitasjon', link: '/invitation#token=hemmelig' });
    const news = await insertNotification(bed, elsewhere, viewerIn(elsewhere).memberId, { title: 'Nytt innlegg', link: '/posts/1' });
    for (const notification of [reset, invited, news]) await insertDelivery(bed, notification, { status: 'bounced', lastError: '550 no such user' });
    const result = await execute<{ failedDeliveries: { nodes: { notification: { title: string; link: string | null } }[] } }>(
      viewerIn(elsewhere, 'board'),
      '{ failedDeliveries { nodes { notification { title link } } } }',
    );
    expect(result.data!.failedDeliveries.nodes.map((node) => node.notification).sort((a, b) => a.title.localeCompare(b.title))).toEqual([
      { title: 'Invitasjon', link: null },
      { title: 'Nytt innlegg', link: '/posts/1' },
      { title: 'Velg nytt passord', link: null },
    ]);
  });

  it('refuses a forged cursor', async () => {
    expect(errorOf(await execute(board, BOARD, { after: 'tull' }))).toEqual({ code: 'BAD_USER_INPUT', field: 'after' });
  });
});
