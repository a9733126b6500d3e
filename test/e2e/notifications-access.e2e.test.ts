import { createECDH, generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { DEMO } from '@tunet/members';
import { insertDelivery, insertNotification } from '@tunet/notifications/src/inbox/inbox.fixtures';
import { loopbackEndpoints } from '@tunet/notifications/src/push/push.fixtures';
import webpush from 'web-push';
import {
  codes,
  matrixCaller,
  matrixTests,
  matrixTokens,
  MATRIX_ACTORS,
  openE2E,
  setupStep,
  tag,
  type E2E,
  type MatrixActor,
  type MatrixCall,
  type Outcome,
} from './e2e.fixtures';

/**
 * Who may do what in the notifications subgraph, through the gateway: every query and mutation × every kind of
 * caller. Each cell is the first error code, or OK. The residents are Ola (Blokk A) and Per (Blokk B); the caretaker
 * is Jonas, an external; "other association" is Fjordly's board; the integrator is an API key with MEMBERS_READ; the
 * platform admin is a Fjordly member (an external) with the platform flag, so it has an inbox of its own in Fjordly.
 * Everything here is personal: an operation without a target id acts on the caller's own inbox, preferences or
 * devices, and an id names Ola's notification or device ("Ola's") or the caller's own ("own"). Nobody but Ola may
 * reach his, not even the board, which sees other people's notifications only through failed deliveries.
 */
const ACTORS = MATRIX_ACTORS;
type Actor = MatrixActor;

/** The member behind each actor with an inbox; the platform admin's id is the one createPlatformAdmin gives it. */
const MEMBERSHIPS: Partial<Record<Actor, { associationId: string; memberId: string }>> = {
  'resident A': { associationId: DEMO.solbakken, memberId: DEMO.ola },
  'resident B': { associationId: DEMO.solbakken, memberId: DEMO.per },
  caretaker: { associationId: DEMO.solbakken, memberId: DEMO.jonas },
  board: { associationId: DEMO.solbakken, memberId: DEMO.kari },
  'other association': { associationId: DEMO.fjordly, memberId: DEMO.eva },
  'platform admin': { associationId: DEMO.fjordly, memberId: '90000000-0000-4000-8000-000000000001' },
};

/**
 * Push services on loopback where nothing listens: members can register browsers and phones, and whatever the
 * dispatcher tries to push to them fails at once instead of leaving the machine.
 */
const NOWHERE = 'http://127.0.0.1:9';
const fcmKey = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
});

/** A browser's subscription as `subscription.toJSON()` gives it: a real P-256 key and a 16-byte secret. */
function browserSubscription(name: string) {
  const ecdh = createECDH('prime256v1');
  ecdh.generateKeys();
  return {
    endpoint: `https://127.0.0.1:9/push/${name}-${randomUUID()}`,
    p256dh: ecdh.getPublicKey().toString('base64url'),
    auth: randomBytes(16).toString('base64url'),
    deviceName: name,
  };
}

describe('notifications access matrix', () => {
  let e2e: E2E;
  const tokens: Partial<Record<Actor, string>> = {};
  const ids: Record<string, string> = {};
  let call: MatrixCall<Actor>;
  const must = <T = unknown>(token: string | undefined, query: string, variables: Record<string, unknown> = {}) => setupStep<T>(e2e, token, query, variables);
  const REGISTER_MOBILE = 'mutation ($t: String!) { registerMobileDevice(input: { kind: FCM, token: $t, deviceName: "Telefon" }) { device { id kind } } }';
  const registerPhone = async (token: string | undefined, phoneToken: string) =>
    (await must<{ registerMobileDevice: { device: { id: string } } }>(token, REGISTER_MOBILE, { t: phoneToken })).registerMobileDevice.device.id;
  /** A notification in the member's inbox, written as ingest writes it. */
  const notify = async (membership: { associationId: string; memberId: string }, title: string) =>
    insertNotification({ subgraph: e2e.stack.notifications }, membership.associationId, membership.memberId, { title });

  beforeAll(async () => {
    const vapid = webpush.generateVAPIDKeys();
    e2e = await openE2E(undefined, {
      notifications: {
        webPush: { ...vapid, subject: 'mailto:drift@tunet.test', endpoints: loopbackEndpoints('https://127.0.0.1:9') },
        fcm: {
          projectId: 'tunet-e2e',
          clientEmail: 'tunet@tunet-e2e.iam.gserviceaccount.com',
          privateKey: fcmKey.privateKey,
          apiOrigin: NOWHERE,
          tokenUrl: `${NOWHERE}/token`,
        },
      },
    });
    call = matrixCaller(e2e, tokens);
    Object.assign(tokens, await matrixTokens(e2e));
    const ola = MEMBERSHIPS['resident A']!;

    // Ola's notifications: one to read and mark, one to archive, and an e-mail of it that bounced.
    const olaNotification = await notify(ola, 'Vannet stenges tirsdag');
    ids.olaNotification = olaNotification.id;
    ids.olaArchivable = (await notify(ola, 'Dugnad lørdag')).id;
    await insertDelivery({ subgraph: e2e.stack.notifications }, olaNotification, {
      channel: 'email',
      address: 'ola@solbakken.example',
      status: 'bounced',
      attempts: 1,
      lastError: '550 5.1.1 mailbox unavailable',
    });
    // Ola's phones: one per actor to remove (removing is final).
    for (const actor of ACTORS) ids[`olaDevice ${actor}`] = await registerPhone(tokens['resident A'], `ola-${tag(actor)}`);
    // Each actor's own notification and phone; those without an inbox get ids that name nothing.
    for (const actor of ACTORS) {
      const membership = MEMBERSHIPS[actor];
      ids[`own ${actor}`] = membership ? (await notify(membership, `Til ${actor}`)).id : randomUUID();
      ids[`ownDevice ${actor}`] = membership ? await registerPhone(tokens[actor], `own-${tag(actor)}`) : randomUUID();
    }
  });
  afterAll(() => e2e?.close());

  const notification = (a: Actor, id: string) => call(a, 'query ($id: ID!) { notification(id: $id) { title readAt deliveries { status } } }', { id });
  const markRead = (a: Actor, id: string) =>
    call(a, 'mutation ($id: ID!) { markNotificationRead(input: { id: $id }) { unreadCount notification { readAt } } }', { id });
  const archive = (a: Actor, id: string) =>
    call(a, 'mutation ($id: ID!) { archiveNotification(input: { id: $id }) { unreadCount notification { archivedAt } } }', { id });
  const removeDevice = (a: Actor, id: string) => call(a, 'mutation ($id: ID!) { removePushDevice(input: { id: $id }) { removedId } }', { id });
  // Listed in the order the rows run: what reads comes before what changes.
  const operations: Record<string, (actor: Actor) => Promise<Outcome>> = {
    // Inbox
    notifications: (a) => call(a, '{ notifications { nodes { id title } } }'),
    "notification (Ola's)": (a) => notification(a, ids.olaNotification!),
    'notification (own)': (a) => notification(a, ids[`own ${a}`]!),
    unreadNotificationCount: (a) => call(a, '{ unreadNotificationCount }'),
    "markNotificationRead (Ola's)": (a) => markRead(a, ids.olaNotification!),
    'markNotificationRead (own)': (a) => markRead(a, ids[`own ${a}`]!),
    markAllNotificationsRead: (a) => call(a, 'mutation { markAllNotificationsRead { markedCount unreadCount } }'),
    "archiveNotification (Ola's)": (a) => archive(a, ids.olaArchivable!),
    'archiveNotification (own)': (a) => archive(a, ids[`own ${a}`]!),
    // Deliveries
    myFailedDeliveries: (a) => call(a, '{ myFailedDeliveries { nodes { status lastError notification { title } } } }'),
    failedDeliveries: (a) => call(a, '{ failedDeliveries { nodes { status lastError address notification { title } recipient { id } } } }'),
    // Preferences
    notificationPreferences: (a) => call(a, '{ notificationPreferences { locale quietHours { start } categories { category channels { channel enabled } } } }'),
    updateNotificationPreferences: (a) =>
      call(
        a,
        'mutation { updateNotificationPreferences(input: { quietHours: { start: "22:00", end: "07:00" } }) { preferences { quietHours { start end } } } }',
      ),
    // Push devices
    pushConfiguration: (a) => call(a, '{ pushConfiguration { webPushPublicKey fcmEnabled apnsEnabled } }'),
    pushDevices: (a) => call(a, '{ pushDevices { id kind deviceName } }'),
    registerWebPushSubscription: (a) =>
      call(a, 'mutation ($i: RegisterWebPushSubscriptionInput!) { registerWebPushSubscription(input: $i) { device { id kind } } }', {
        i: browserSubscription(tag(a)),
      }),
    registerMobileDevice: (a) => call(a, REGISTER_MOBILE, { t: `new-${tag(a)}` }),
    "removePushDevice (Ola's)": (a) => removeDevice(a, ids[`olaDevice ${a}`]!),
    'removePushDevice (own)': (a) => removeDevice(a, ids[`ownDevice ${a}`]!),
  };

  const U = 'UNAUTHENTICATED';
  const F = 'FORBIDDEN';
  const N = 'NOT_FOUND';
  // prettier-ignore
  const expected: Record<string, Outcome[]> = {
    //                                anonymous resident A resident B caretaker board other  integrator platform admin
    notifications:                    [U,       'OK',      'OK',      'OK',     'OK', 'OK',  F,         'OK'],
    "notification (Ola's)":           [U,       'OK',      N,         N,        N,    N,     F,         N],
    'notification (own)':             [U,       'OK',      'OK',      'OK',     'OK', 'OK',  F,         'OK'],
    unreadNotificationCount:          [U,       'OK',      'OK',      'OK',     'OK', 'OK',  F,         'OK'],
    "markNotificationRead (Ola's)":   [U,       'OK',      N,         N,        N,    N,     F,         N],
    'markNotificationRead (own)':     [U,       'OK',      'OK',      'OK',     'OK', 'OK',  F,         'OK'],
    markAllNotificationsRead:         [U,       'OK',      'OK',      'OK',     'OK', 'OK',  F,         'OK'],
    "archiveNotification (Ola's)":    [U,       'OK',      N,         N,        N,    N,     F,         N],
    'archiveNotification (own)':      [U,       'OK',      'OK',      'OK',     'OK', 'OK',  F,         'OK'],
    myFailedDeliveries:               [U,       'OK',      'OK',      'OK',     'OK', 'OK',  F,         'OK'],
    failedDeliveries:                 [U,       F,         F,         F,        'OK', 'OK',  F,         F],
    notificationPreferences:          [U,       'OK',      'OK',      'OK',     'OK', 'OK',  F,         'OK'],
    updateNotificationPreferences:    [U,       'OK',      'OK',      'OK',     'OK', 'OK',  F,         'OK'],
    pushConfiguration:                [U,       'OK',      'OK',      'OK',     'OK', 'OK',  F,         'OK'],
    pushDevices:                      [U,       'OK',      'OK',      'OK',     'OK', 'OK',  F,         'OK'],
    registerWebPushSubscription:      [U,       'OK',      'OK',      'OK',     'OK', 'OK',  F,         'OK'],
    registerMobileDevice:             [U,       'OK',      'OK',      'OK',     'OK', 'OK',  F,         'OK'],
    "removePushDevice (Ola's)":       [U,       'OK',      N,         N,        N,    N,     F,         N],
    'removePushDevice (own)':         [U,       'OK',      'OK',      'OK',     'OK', 'OK',  F,         'OK'],
  };

  matrixTests(ACTORS, operations, expected);

  it('does not let anyone reach a notification as an entity through the gateway', async () => {
    const query = 'query ($r: [_Any!]!) { _entities(representations: $r) { ... on Notification { title body } } }';
    for (const actor of ACTORS) {
      const result = await e2e.gql(query, { r: [{ __typename: 'Notification', id: ids.olaNotification }] }, tokens[actor]);
      // One error for the field and one for its argument type: neither exists in the gateway's schema.
      expect({ actor, codes: [...new Set(codes(result))], data: result.data ?? null }).toEqual({ actor, codes: ['GRAPHQL_VALIDATION_FAILED'], data: null });
    }
  });

  it("shows the board Ola's bounced e-mail, and Ola his own, but never the other association", async () => {
    const FAILED = '{ failedDeliveries { nodes { status lastError notification { id readAt } recipient { id } } } }';
    const bounced = {
      status: 'BOUNCED',
      lastError: '550 5.1.1 mailbox unavailable',
      notification: { id: ids.olaNotification, readAt: null },
      recipient: { id: DEMO.ola },
    };
    const board = await must<{ failedDeliveries: { nodes: unknown[] } }>(tokens.board, FAILED);
    expect(board.failedDeliveries.nodes).toContainEqual(bounced);
    const mine = await must<{ myFailedDeliveries: { nodes: { notification: { id: string } }[] } }>(
      tokens['resident A'],
      '{ myFailedDeliveries { nodes { notification { id } } } }',
    );
    expect(mine.myFailedDeliveries.nodes).toContainEqual({ notification: { id: ids.olaNotification } });
    const other = await must<{ failedDeliveries: { nodes: { notification: { id: string } }[] } }>(tokens['other association'], FAILED);
    expect(other.failedDeliveries.nodes.map((node) => node.notification.id)).not.toContain(ids.olaNotification);
  });
});
