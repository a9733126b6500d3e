import { randomUUID } from 'node:crypto';
import { eventually } from '@tunet/kit/src/events/events.fixtures';
import { DEMO_PASSWORD } from '@tunet/members';
import { startTestSmtpServer } from '@tunet/notifications/src/email/email.fixtures';
import { DEMO_RESOURCES } from '@tunet/reservations';
import { DateTime } from 'luxon';
import { openE2E, type E2E, type GraphQLResponse } from './e2e.fixtures';
import { loadOperation } from './first-party';

type SmtpSink = Awaited<ReturnType<typeof startTestSmtpServer>>;

/**
 * The client-developer walkthrough of issue 16: the screens of the resident app in the order a person meets them,
 * each one first-party operation from clients/operations sent to the gateway as the app sends it, with what the
 * screen shows asserted. The steps build on each other (one stack, one login per person), so they run in order.
 */
describe('the client-developer walkthrough through the gateway (issue 16)', () => {
  let e2e: E2E;
  let smtp: SmtpSink;
  /** Ola's session, from the Login step; the password reset at the end ends it. */
  let ola: { accessToken: string; refreshToken: string };
  let home: HomeScreen;

  /** Runs a first-party operation by its file name and returns its data, failing on any error. */
  const run = async <T>(name: string, variables: Record<string, unknown> = {}, token?: string): Promise<T> => {
    const result: GraphQLResponse<T> = await e2e.gql<T>(loadOperation(name), variables, token);
    expect({ name, errors: result.errors }).toEqual({ name, errors: undefined });
    return result.data!;
  };
  const mailTo = (address: string, subject: string) =>
    smtp.received.find((mail) => mail.recipients.includes(address) && mail.parsed.subject?.startsWith(subject));
  /** The token in the fragment of the link to `path` in an e-mail's text, as the web app reads it. */
  const tokenIn = (text: string, path: string) => {
    const link = new URL(new RegExp(`https?://\\S*${path}\\S*`).exec(text)![0]);
    expect(link.pathname).toBe(path);
    return new URLSearchParams(link.hash.slice(1)).get('token')!;
  };
  const login = (email: string, password = DEMO_PASSWORD) =>
    run<{ login: { accessToken: string; refreshToken: string } }>('login', { input: { email, password } }).then((data) => data.login);

  beforeAll(async () => {
    // A real SMTP server on loopback receives the invitation and password-reset e-mails.
    smtp = await startTestSmtpServer();
    e2e = await openE2E(undefined, { notifications: { email: { smtpUrl: smtp.url, from: 'Tunet <varsler@tunet.test>' } } });
  });
  afterAll(async () => {
    await e2e?.close();
    await smtp?.close();
  });

  it('logs the resident in (Login) and shows the home screen in one query (HomeScreen)', async () => {
    ola = await login('ola@solbakken.example');
    expect(ola.accessToken).toEqual(expect.any(String));

    home = await run<HomeScreen>('home-screen', {}, ola.accessToken);
    expect(home.me).toMatchObject({ displayName: 'Ola Hansen', association: { name: 'Solbakken borettslag' } });
    expect(home.unreadNotificationCount).toEqual(expect.any(Number));
    expect(home.myBookings.nodes.map((b) => ({ resource: b.resource.name, status: b.status }))).toEqual([
      { resource: 'Vaskeriet', status: 'CONFIRMED' },
      { resource: 'Skrivebord 1', status: 'CONFIRMED' },
    ]);
    expect(home.events.nodes.map((e) => e.title)).toEqual(['Vårdugnad', 'Sommerfest']);
    expect(home.pinnedPosts.map((p) => p.title)).toEqual(['Vannet stenges tirsdag']);
    expect(home.posts.nodes).toContainEqual(
      expect.objectContaining({ title: 'Vannet stenges tirsdag', important: true, author: { displayName: 'Kari Nordmann' } }),
    );
  });

  it('opens the pinned post with its comments (PostWithComments) and comments on it (AddComment)', async () => {
    const postId = home.pinnedPosts[0]!.id;
    const open = async () => (await run<{ post: PostScreen }>('post-with-comments', { id: postId }, ola.accessToken)).post;
    const before = await open();
    expect(before).toMatchObject({ title: 'Vannet stenges tirsdag', commentCount: 0, viewerCanComment: true, viewerCanEdit: false, comments: { nodes: [] } });

    const added = await run<{ addComment: { comment: { body: string; viewerCanEdit: boolean; author: { displayName: string } } } }>(
      'add-comment',
      { input: { postId, body: 'Takk for beskjed, vi fyller flasker kvelden før.' } },
      ola.accessToken,
    );
    expect(added.addComment.comment).toMatchObject({
      body: 'Takk for beskjed, vi fyller flasker kvelden før.',
      viewerCanEdit: true,
      author: { displayName: 'Ola Hansen' },
    });

    const after = await open();
    expect(after.commentCount).toBe(1);
    expect(after.comments.nodes.map((c) => ({ body: c.body, by: c.author.displayName, canEdit: c.viewerCanEdit }))).toEqual([
      { body: 'Takk for beskjed, vi fyller flasker kvelden før.', by: 'Ola Hansen', canEdit: true },
    ]);
  });

  it('signs up for the summer party (EventSignUp) and brings a child along without losing the seat (ChangeSignUp)', async () => {
    const eventId = home.events.nodes.find((e) => e.title === 'Sommerfest')!.id;
    const signedUp = await run<{ signUpForEvent: SignupAnswer }>('event-sign-up', { input: { eventId, adults: 2 } }, ola.accessToken);
    expect(signedUp.signUpForEvent).toMatchObject({
      signup: { status: 'CONFIRMED', waitlistPosition: null, adults: 2, children: 0 },
      event: { seatsLeft: 58, viewerCanSignUp: false, viewerCanChangeSignup: true, signUpStatus: { allowed: false, reason: 'ALREADY_SIGNED_UP' } },
    });
    const changed = await run<{ changeSignup: SignupAnswer }>('change-sign-up', { input: { eventId, adults: 2, children: 1 } }, ola.accessToken);
    expect(changed.changeSignup).toMatchObject({
      signup: { id: signedUp.signUpForEvent.signup.id, status: 'CONFIRMED', adults: 2, children: 1 },
      event: { seatsLeft: 57 },
    });
  });

  it('books the laundry: grid, quote, book, my upcoming bookings, and a late cancellation with its fee', async () => {
    const today = DateTime.now().setZone('Europe/Oslo');
    const grid = await run<{ availability: { slots: { start: string; end: string; state: string }[] } }>(
      'resource-availability',
      { resourceId: DEMO_RESOURCES.laundry, from: today.toISODate(), to: today.plus({ days: 1 }).toISODate() },
      ola.accessToken,
    );
    // A free slot within a day, so cancelling it is already late.
    const slot = grid.availability.slots.find(
      (s) => s.state === 'FREE' && Date.parse(s.start) > Date.now() + 10 * 60_000 && Date.parse(s.start) < Date.now() + 23 * 3_600_000,
    )!;
    const time = { resourceId: DEMO_RESOURCES.laundry, start: slot.start, end: slot.end };

    const { bookingQuote: quote } = await run<{ bookingQuote: Quote }>('booking-quote', { input: time }, ola.accessToken);
    expect(quote).toMatchObject({ canBook: true, refusal: null, price: 2_000, currency: 'NOK', lateCancellationFee: 1_000 });
    // The household's demo booking uses one of its two laundry slots; this one would use the last.
    expect(quote.quotas.map(({ used, remaining, remainingAfter }) => ({ used, remaining, remainingAfter }))).toEqual([
      { used: 1, remaining: 1, remainingAfter: 0 },
    ]);
    expect(Date.parse(quote.freeCancellationUntil)).toBeLessThan(Date.now());

    const created = await run<{ createBooking: { booking: { id: string; status: string; lateCancellationFee: number } } }>(
      'create-booking',
      { input: { ...time, idempotencyKey: randomUUID() } },
      ola.accessToken,
    );
    const booking = created.createBooking.booking;
    expect(booking).toMatchObject({ status: 'CONFIRMED', lateCancellationFee: 1_000 });
    const mine = async (status: string) => (await run<{ myBookings: { nodes: MyBooking[] } }>('my-bookings', { status }, ola.accessToken)).myBookings.nodes;
    expect((await mine('UPCOMING')).find((b) => b.id === booking.id)).toMatchObject({ status: 'CONFIRMED', viewerCanCancel: true, cancellation: null });

    const cancelled = await run<{ cancelBooking: { fee: number; refunded: number; booking: { status: string } } }>(
      'cancel-booking',
      { input: { bookingId: booking.id } },
      ola.accessToken,
    );
    expect(cancelled.cancelBooking).toMatchObject({ fee: 1_000, refunded: 2_000, booking: { status: 'CANCELLED' } });
    expect((await mine('UPCOMING')).map((b) => b.id)).not.toContain(booking.id);
    expect((await mine('CANCELLED')).find((b) => b.id === booking.id)).toMatchObject({ cancellation: { byBoard: false, fee: 1_000, refunded: 2_000 } });
  });

  it('searches the directory by unit and by building (DirectorySearch)', async () => {
    const search = async (text: string) => {
      const { directory } = await run<{ directory: { totalCount: number; nodes: { displayName: string | null }[] } }>(
        'directory-search',
        { search: text },
        ola.accessToken,
      );
      return { total: directory.totalCount, names: directory.nodes.map((m) => m.displayName) };
    };
    expect(await search('H0101')).toEqual({ total: 2, names: ['Ingrid Hansen', 'Ola Hansen'] });
    expect(await search('Blokk B')).toEqual({ total: 1, names: ['Per Ødegård'] });
  });

  it('shows the booking confirmation in the inbox with the badge (Inbox) and marks it read (MarkNotificationRead)', async () => {
    let inbox: InboxScreen | undefined;
    await eventually(async () => {
      inbox = await run<InboxScreen>('inbox', {}, ola.accessToken);
      // Confirmations arrive on their own: the two demo bookings' and the laundry booking's. Counting the badge before
      // the last of them would race it.
      const titles = inbox.notifications.nodes.map((n) => n.title);
      expect(titles.filter((title) => title === 'Booking bekreftet: Vaskeriet')).toHaveLength(2);
      expect(titles).toContain('Booking bekreftet: Skrivebord 1');
    }, 20_000);
    const confirmation = inbox!.notifications.nodes.find((n) => n.title === 'Booking bekreftet: Vaskeriet')!;
    expect(confirmation).toMatchObject({ category: 'RESERVATIONS', readAt: null, link: expect.stringMatching(/^\/bookings\/[0-9a-f-]{36}$/) });
    expect(inbox!.unreadNotificationCount).toBe(inbox!.notifications.nodes.filter((n) => n.readAt === null).length);

    const read = await run<{ markNotificationRead: { notification: { id: string; readAt: string | null }; unreadCount: number } }>(
      'mark-notification-read',
      { input: { id: confirmation.id } },
      ola.accessToken,
    );
    expect(read.markNotificationRead).toMatchObject({
      notification: { id: confirmation.id, readAt: expect.any(String) },
      unreadCount: inbox!.unreadNotificationCount - 1,
    });
    const unread = await run<InboxScreen>('inbox', { filter: { unreadOnly: true } }, ola.accessToken);
    expect(unread.unreadNotificationCount).toBe(inbox!.unreadNotificationCount - 1);
    // The unread list's total is the badge; the whole inbox still holds the read one.
    expect(unread.notifications.totalCount).toBe(unread.unreadNotificationCount);
    expect((await run<InboxScreen>('inbox', {}, ola.accessToken)).notifications.totalCount).toBe(inbox!.notifications.totalCount);
    expect(unread.notifications.nodes.map((n) => n.id)).not.toContain(confirmation.id);
  });

  it('reads the notification settings (NotificationPreferences) and saves quiet hours and news by e-mail (UpdateNotificationPreferences)', async () => {
    const { notificationPreferences: settings } = await run<{ notificationPreferences: Preferences }>('notification-preferences', {}, ola.accessToken);
    expect(settings).toMatchObject({ locale: 'NB', localeChosen: false, timeZone: 'Europe/Oslo', quietHours: null });
    expect(channel(settings, 'NEWS', 'EMAIL')).toEqual({ channel: 'EMAIL', enabled: false, changeable: true });
    expect(settings.categories.find((c) => c.category === 'IMPORTANT')!.optional).toBe(false);

    const { updateNotificationPreferences: saved } = await run<{ updateNotificationPreferences: { preferences: Preferences } }>(
      'update-notification-preferences',
      { input: { quietHours: { start: '22:00', end: '07:00' }, channels: [{ category: 'NEWS', channel: 'EMAIL', enabled: true }] } },
      ola.accessToken,
    );
    expect(saved.preferences).toMatchObject({ quietHours: { start: '22:00', end: '07:00' }, locale: 'NB' });
    expect(channel(saved.preferences, 'NEWS', 'EMAIL')).toMatchObject({ enabled: true });
    const reread = await run<{ notificationPreferences: Preferences }>('notification-preferences', {}, ola.accessToken);
    expect(reread.notificationPreferences).toEqual(saved.preferences);
  });

  it('lets the board invite a new person (InviteMember), who previews the invitation (InvitationPreview) and accepts it (AcceptInvitation)', async () => {
    const kari = await login('kari@solbakken.example');
    const invited = await run<{ inviteMember: { invitation: { email: string; status: string; member: { displayName: string } } } }>(
      'invite-member',
      { input: { email: 'nina@solbakken.example', displayName: 'Nina Nyhus', externalTitle: 'Regnskapsfører' } },
      kari.accessToken,
    );
    expect(invited.inviteMember.invitation).toMatchObject({ email: 'nina@solbakken.example', status: 'PENDING', member: { displayName: 'Nina Nyhus' } });

    await eventually(() => expect(mailTo('nina@solbakken.example', 'Invitasjon til Solbakken')).toBeDefined(), 20_000);
    const token = tokenIn(mailTo('nina@solbakken.example', 'Invitasjon til Solbakken')!.parsed.text!, '/invitations');
    const { invitationPreview } = await run<{ invitationPreview: Record<string, unknown> }>('invitation-preview', { token });
    expect(invitationPreview).toMatchObject({
      associationName: 'Solbakken borettslag',
      invitedBy: 'Kari Nordmann',
      displayName: 'Nina Nyhus',
      externalTitle: 'Regnskapsfører',
      unitNumber: null,
      passwordRequired: true,
    });

    const accepted = await run<{ acceptInvitation: { accessToken: string } }>('accept-invitation', { input: { token, password: 'ninas eget passord' } });
    const viewer = await run<{ me: { displayName: string } }>('viewer', {}, accepted.acceptInvitation.accessToken);
    expect(viewer.me.displayName).toBe('Nina Nyhus');
  });

  it('resets a forgotten password by e-mail (PasswordResetRequest, PasswordReset): the old session is refused, the new password logs in', async () => {
    const requested = await run<{ requestPasswordReset: { linkValidMinutes: number } }>('password-reset-request', {
      input: { email: 'ola@solbakken.example' },
    });
    expect(requested.requestPasswordReset.linkValidMinutes).toBe(30);
    await eventually(() => expect(mailTo('ola@solbakken.example', 'Velg nytt passord')).toBeDefined(), 20_000);
    const token = tokenIn(mailTo('ola@solbakken.example', 'Velg nytt passord')!.parsed.text!, '/reset-password');

    const reset = await run<{ resetPassword: { email: string; endedSessions: number } }>('password-reset', {
      input: { token, newPassword: 'olas nye passord' },
    });
    expect(reset.resetPassword).toEqual({ email: 'ola@solbakken.example', endedSessions: 1 });
    const refused = await e2e.gql(loadOperation('viewer'), {}, ola.accessToken);
    expect(refused.status).toBe(401);
    const again = await login('ola@solbakken.example', 'olas nye passord');
    expect((await run<{ me: { displayName: string } }>('viewer', {}, again.accessToken)).me.displayName).toBe('Ola Hansen');
  });
});

type HomeScreen = {
  me: { displayName: string; association: { name: string } };
  unreadNotificationCount: number;
  myBookings: { nodes: { status: string; resource: { name: string } }[] };
  events: { nodes: { id: string; title: string }[] };
  pinnedPosts: { id: string; title: string }[];
  posts: { nodes: { title: string }[] };
};
type PostScreen = {
  title: string;
  commentCount: number;
  comments: { nodes: { body: string; author: { displayName: string }; viewerCanEdit: boolean }[] };
};
type SignupAnswer = { signup: { id: string } };
type Quote = { quotas: { used: number; remaining: number; remainingAfter: number }[]; freeCancellationUntil: string };
type MyBooking = { id: string };
type InboxScreen = {
  unreadNotificationCount: number;
  notifications: { totalCount: number; nodes: { id: string; title: string; readAt: string | null }[] };
};
type ChannelSetting = { channel: string; enabled: boolean; changeable: boolean };
type Preferences = { categories: { category: string; optional: boolean; channels: ChannelSetting[] }[] };

const channel = (preferences: Preferences, category: string, name: string) =>
  preferences.categories.find((c) => c.category === category)!.channels.find((c) => c.channel === name);
