import { eventually } from '@tunet/kit/src/events/events.fixtures';
import { startTestSmtpServer } from '@tunet/notifications/src/email/email.fixtures';
import { matchClientRoute } from '@tunet/kit';
import { accessTokens, openE2E, type E2E } from './e2e.fixtures';
import { loadOperation } from './first-party';

type SmtpSink = Awaited<ReturnType<typeof startTestSmtpServer>>;

const INBOX = `query ($filter: NotificationFilter) {
  notifications(first: 50, filter: $filter) { nodes { id category important title body link subjectType subjectId readAt deliveries { channel status lastError } } }
  unreadNotificationCount
}`;

interface Inbox {
  notifications: {
    nodes: {
      id: string;
      category: string;
      important: boolean;
      title: string;
      body: string;
      link: string | null;
      subjectType: string | null;
      subjectId: string | null;
      readAt: string | null;
      deliveries: { channel: string; status: string; lastError: string | null }[];
    }[];
  };
  unreadNotificationCount: number;
}

/**
 * The whole way: a change in posts → its outbox → the event stream → the notifications consumer (recipients from
 * members) → the inbox, and e-mail to a real SMTP server on loopback, read back through the gateway.
 */
describe('notifications through the federation', () => {
  let e2e: E2E;
  let smtp: SmtpSink;
  let tokens: { kari: string; ola: string; per: string; eva: string; aase: string };

  beforeAll(async () => {
    // Åse's mailbox does not exist: her e-mails bounce.
    smtp = await startTestSmtpServer((address) =>
      address === 'aase@solbakken.example' ? { code: 550, message: '5.1.1 <aase@solbakken.example>: mailbox unavailable' } : undefined,
    );
    e2e = await openE2E(undefined, { notifications: { email: { smtpUrl: smtp.url, from: 'Tunet <varsler@tunet.test>' } } });
    tokens = await accessTokens(e2e, {
      kari: 'kari@solbakken.example',
      ola: 'ola@solbakken.example',
      per: 'per@solbakken.example',
      eva: 'eva@fjordly.example',
      aase: 'aase@solbakken.example',
    });
  });
  afterAll(async () => {
    await e2e?.close();
    await smtp?.close();
  });

  const inboxOf = async (token: string, filter: Record<string, unknown> = {}) => {
    const result = await e2e.gql<Inbox>(INBOX, { filter }, token);
    if (!result.data) throw new Error(JSON.stringify(result.errors));
    return result.data;
  };
  const publish = async (input: Record<string, unknown>) => {
    const result = await e2e.gql<{ createPost: { post: { id: string } } }>(
      'mutation ($input: CreatePostInput!) { createPost(input: $input) { post { id } } }',
      { input },
      tokens.kari,
    );
    if (!result.data) throw new Error(JSON.stringify(result.errors));
    return result.data.createPost.post.id;
  };
  const mailsAbout = (title: string) => smtp.received.filter((mail) => mail.parsed.subject?.includes(title));

  it('an important notice reaches every resident in the inbox and by e-mail, in Norwegian, but not its author or another association', async () => {
    const title = 'Vannet stenges tirsdag';
    const postId = await publish({ title, body: 'Rørleggeren bytter stoppekraner i Blokk A.', kind: 'NEWS', important: true });

    await eventually(async () => {
      const item = (await inboxOf(tokens.ola)).notifications.nodes.find((node) => node.subjectId === postId);
      expect(item).toMatchObject({ category: 'IMPORTANT', important: true, title: expect.stringContaining(title), subjectType: 'Post' });
    }, 20_000);
    await eventually(
      () =>
        expect(
          mailsAbout(title)
            .map((mail) => mail.recipients)
            .flat(),
        ).toContain('ola@solbakken.example'),
      20_000,
    );

    const [mail] = mailsAbout(title).filter((received) => received.recipients.includes('ola@solbakken.example'));
    expect(mail!.recipients).toEqual(['ola@solbakken.example']);
    expect(mail!.header('content-language')).toBe('nb');
    expect(mail!.parsed.text).toContain('Rørleggeren');
    expect(mail!.header('list-unsubscribe')).toMatch(/^<https?:\/\/[^>]+\/unsubscribe\/[^>]+>$/);
    expect(mail!.header('list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');

    expect((await inboxOf(tokens.kari)).notifications.nodes.some((node) => node.subjectId === postId)).toBe(false);
    expect((await inboxOf(tokens.eva)).notifications.nodes.some((node) => node.subjectId === postId)).toBe(false);
    expect(mailsAbout(title).flatMap((received) => received.recipients)).not.toContain('kari@solbakken.example');
    expect(mailsAbout(title).flatMap((received) => received.recipients)).not.toContain('eva@fjordly.example');
  });

  it('a bounced e-mail is shown to the person and to the board with the receiving server’s answer', async () => {
    const title = 'Brannøvelse torsdag';
    await publish({ title, body: 'Alarmen går klokken 10.', kind: 'NEWS', important: true });
    const failures = `query { failedDeliveries(first: 50) { nodes { channel status lastError address recipient { id } } } }`;
    await eventually(async () => {
      const result = await e2e.gql<{ failedDeliveries: { nodes: { status: string; lastError: string; address: string }[] } }>(failures, {}, tokens.kari);
      expect(result.data?.failedDeliveries.nodes).toContainEqual(
        expect.objectContaining({ status: 'BOUNCED', address: 'aase@solbakken.example', lastError: expect.stringContaining('mailbox unavailable') }),
      );
    }, 20_000);
    const own = await e2e.gql<{ myFailedDeliveries: { nodes: { status: string }[] } }>('query { myFailedDeliveries { nodes { status } } }', {}, tokens.aase);
    expect(own.data?.myFailedDeliveries.nodes).toContainEqual({ status: 'BOUNCED' });
    expect((await e2e.gql(failures, {}, tokens.ola)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('news is in the inbox without an e-mail by default; with news e-mail turned on the next post is e-mailed, and the one-click link turns it off again', async () => {
    const quiet = 'Ny benk i bakgården';
    const quietId = await publish({ title: quiet, body: 'Ved sandkassa.', kind: 'BULLETIN' });
    await eventually(async () => {
      expect((await inboxOf(tokens.per)).notifications.nodes.some((node) => node.subjectId === quietId)).toBe(true);
    }, 20_000);

    const turnOn = await e2e.gql(
      'mutation { updateNotificationPreferences(input: { channels: [{ category: NEWS, channel: EMAIL, enabled: true }] }) { preferences { categories { category channels { channel enabled } } } } }',
      {},
      tokens.per,
    );
    expect(turnOn.errors).toBeUndefined();
    const loud = 'Dugnad lørdag';
    await publish({ title: loud, body: 'Vi rydder bodene.', kind: 'BULLETIN' });
    await eventually(() => expect(mailsAbout(loud).flatMap((mail) => mail.recipients)).toContain('per@solbakken.example'), 20_000);
    // The first post went out while news e-mail was off for everyone, and stays un-mailed.
    expect(mailsAbout(quiet).flatMap((mail) => mail.recipients)).not.toContain('per@solbakken.example');

    const mail = mailsAbout(loud).find((received) => received.recipients.includes('per@solbakken.example'))!;
    const url = /^<([^>]+)>$/.exec(mail.header('list-unsubscribe')!)![1]!;
    const oneClick = await fetch(new URL(new URL(url).pathname, e2e.stack.gatewayUrl), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    expect(oneClick.status).toBe(200);
    const preferences = await e2e.gql<{ notificationPreferences: { categories: { category: string; channels: { channel: string; enabled: boolean }[] }[] } }>(
      'query { notificationPreferences { categories { category channels { channel enabled } } } }',
      {},
      tokens.per,
    );
    const news = preferences.data!.notificationPreferences.categories.find((category) => category.category === 'NEWS')!;
    expect(news.channels.find((channel) => channel.channel === 'EMAIL')!.enabled).toBe(false);
  });

  it('reading and archiving change the unread count (the first-party Inbox, UnreadCount and MarkNotificationRead)', async () => {
    const title = 'Styremøte referat';
    const postId = await publish({ title, body: 'Referatet ligger i dokumentarkivet.', kind: 'NEWS' });
    let id = '';
    await eventually(async () => {
      const item = (await inboxOf(tokens.ola)).notifications.nodes.find((node) => node.subjectId === postId);
      expect(item).toBeDefined();
      id = item!.id;
    }, 20_000);
    type Screen = { unreadNotificationCount: number; notifications: { nodes: { id: string; link: string | null }[]; totalCount: number } };
    const screen = await e2e.gql<Screen>(loadOperation('inbox'), { first: 1 }, tokens.ola);
    expect(screen.errors).toBeUndefined();
    const { unreadNotificationCount: before, notifications } = screen.data!;
    expect(notifications.nodes).toHaveLength(1);
    expect(notifications.totalCount).toBeGreaterThanOrEqual(before);
    // The tap on the new item opens the post's page of the client route table.
    const link = (await inboxOf(tokens.ola)).notifications.nodes.find((node) => node.id === id)!.link!;
    expect(matchClientRoute(link)).toEqual({ name: 'post', params: { postId } });
    const read = await e2e.gql<{ markNotificationRead: { unreadCount: number; notification: { readAt: string | null } } }>(
      loadOperation('mark-notification-read'),
      { input: { id } },
      tokens.ola,
    );
    expect(read.data?.markNotificationRead.unreadCount).toBe(before - 1);
    expect((await e2e.gql<{ unreadNotificationCount: number }>(loadOperation('unread-count'), {}, tokens.ola)).data).toEqual({
      unreadNotificationCount: before - 1,
    });
    expect((await e2e.gql<Screen>(loadOperation('inbox'), { first: 1 }, tokens.ola)).data!.notifications.totalCount).toBe(notifications.totalCount);
    expect(read.data?.markNotificationRead.notification.readAt).not.toBeNull();
    const stolen = await e2e.gql('mutation ($id: ID!) { archiveNotification(input: { id: $id }) { unreadCount } }', { id }, tokens.per);
    expect(stolen.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const all = await e2e.gql<{ markAllNotificationsRead: { unreadCount: number } }>('mutation { markAllNotificationsRead { unreadCount } }', {}, tokens.ola);
    expect(all.data?.markAllNotificationsRead.unreadCount).toBe(0);
  });

  it('an invitation is e-mailed with its one-time token only in the link’s fragment, and the welcome after accepting it leads to the same notification settings as every e-mail’s footer', async () => {
    const invitee = 'ny.beboer@example.test';
    const invite = await e2e.gql<{ inviteMember: unknown }>(
      `mutation ($input: InviteMemberInput!) { inviteMember(input: $input) { invitation { id } } }`,
      { input: { email: invitee, displayName: 'Nora Ny', externalTitle: 'Regnskapsfører' } },
      tokens.kari,
    );
    expect(invite.errors).toBeUndefined();
    await eventually(() => expect(smtp.received.flatMap((mail) => mail.recipients)).toContain(invitee), 20_000);
    const invitation = smtp.received.find((received) => received.recipients.includes(invitee))!;
    // Nobody's preference governs it, so there is nothing to unsubscribe from.
    expect(invitation.header('list-unsubscribe')).toBeUndefined();

    // A path or query reaches the web server's log and the Referer of whatever the page loads; a fragment does neither.
    const link = new URL(/https?:\/\/\S*\/invitations\S*/.exec(invitation.parsed.text!)![0]);
    const token = new URLSearchParams(link.hash.slice(1)).get('token')!;
    expect(token).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    expect(link.pathname).toBe('/invitations');
    expect(link.search).toBe('');
    expect(invitation.parsed.html).not.toContain(`/invitations/${token}`);

    const accepted = await e2e.gql<{ acceptInvitation: { accessToken: string } }>(
      'mutation ($input: AcceptInvitationInput!) { acceptInvitation(input: $input) { accessToken } }',
      { input: { token, password: 'nora-sitt-passord' } },
    );
    expect(accepted.errors).toBeUndefined();
    let welcome: Inbox['notifications']['nodes'][number] | undefined;
    await eventually(async () => {
      welcome = (await inboxOf(accepted.data!.acceptInvitation.accessToken)).notifications.nodes.find((node) => node.title.startsWith('Velkommen'));
      expect(welcome).toBeDefined();
    }, 20_000);
    await eventually(
      () => expect(smtp.received.some((mail) => mail.recipients.includes(invitee) && mail.parsed.subject?.startsWith('Velkommen'))).toBe(true),
      20_000,
    );
    const welcomeMail = smtp.received.find((mail) => mail.recipients.includes(invitee) && mail.parsed.subject?.startsWith('Velkommen'))!;
    const footerSettings = new URL(/Varslingsinnstillinger: (\S+)/.exec(welcomeMail.parsed.text!)![1]!);
    expect(welcome!.link).toBe(footerSettings.pathname);
  });
});
