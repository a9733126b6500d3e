import { createECDH, randomBytes, randomUUID } from 'node:crypto';
import net, { type AddressInfo } from 'node:net';
import { eventually } from '@tunet/kit/src/events/events.fixtures';
import webpush from 'web-push';
import { accessTokens, openE2E, type E2E } from './e2e.fixtures';

/** Some address on the internet; nothing is ever sent to it (subscriptions leading there only get registered). */
const PUBLIC = '151.101.2.132';

const REGISTER = 'mutation ($input: RegisterWebPushSubscriptionInput!) { registerWebPushSubscription(input: $input) { device { id } } }';
const DEVICES = '{ pushDevices { id } }';

function subscription(endpoint: string) {
  const ecdh = createECDH('prime256v1');
  ecdh.generateKeys();
  return { endpoint, p256dh: ecdh.getPublicKey().toString('base64url'), auth: randomBytes(16).toString('base64url'), deviceName: 'Nettleser' };
}

/**
 * A Web Push subscription is a URL a resident hands over and the server then posts to (issue 11: one resident
 * made the server open 44 TLS connections to 127.0.0.1:4444). Subscriptions must lead to public addresses only, at
 * registration and again when sending. DNS here is the test's own, so a name can answer anything and change its
 * answer between registration and sending; a TCP listener on loopback counts every connection made to it.
 */
describe('web push endpoints through the federation', () => {
  let e2e: E2E;
  let tokens: { kari: string; ola: string; per: string; eva: string };
  const dns = new Map<string, string[]>();
  let trap: net.Server;
  let trapPort: number;
  let trapConnections = 0;

  beforeAll(async () => {
    trap = net.createServer((socket) => {
      trapConnections += 1;
      socket.destroy();
    });
    await new Promise<void>((resolve) => trap.listen(0, '127.0.0.1', resolve));
    trapPort = (trap.address() as AddressInfo).port;
    const resolve = async (host: string) => {
      const answer = dns.get(host) ?? (host.endsWith('.example.test') ? [PUBLIC] : null);
      if (!answer) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
      return answer.map((address) => ({ address, family: net.isIPv6(address) ? 6 : 4 }));
    };
    e2e = await openE2E(undefined, {
      notifications: {
        webPush: {
          ...webpush.generateVAPIDKeys(),
          subject: 'mailto:drift@tunet.test',
          // Any host, as an installation without an allow-list of push services; the trap's port is let through so
          // that a connection to it would be seen.
          endpoints: { hosts: ['*'], ports: [443, trapPort], resolve },
        },
      },
    });
    tokens = await accessTokens(e2e, {
      kari: 'kari@solbakken.example',
      ola: 'ola@solbakken.example',
      per: 'per@solbakken.example',
      eva: 'eva@fjordly.example',
    });
  });
  afterAll(async () => {
    await e2e?.close();
    await new Promise((resolve) => trap?.close(resolve));
  });

  const register = (token: string, endpoint: string) =>
    e2e.gql<{ registerWebPushSubscription: { device: { id: string } } }>(REGISTER, { input: subscription(endpoint) }, token);
  const devicesOf = async (token: string) =>
    ((await e2e.gql<{ pushDevices: { id: string }[] }>(DEVICES, {}, token)).data?.pushDevices ?? []).map((device) => device.id);
  const registered = async (token: string, endpoint: string) => {
    const result = await register(token, endpoint);
    if (!result.data) throw new Error(JSON.stringify(result.errors));
    return result.data.registerWebPushSubscription.device.id;
  };

  it.each([
    ['the loopback address of the issue', 'https://127.0.0.1:4444/x'],
    ['IPv4 loopback', 'https://127.0.0.1/x'],
    ['IPv6 loopback', 'https://[::1]/x'],
    ['loopback as IPv4-mapped IPv6', 'https://[::ffff:127.0.0.1]/x'],
    ['loopback written as a number', 'https://2130706433/x'],
    ['the cloud metadata service', 'https://169.254.169.254/latest/meta-data/'],
    ['a private network', 'https://10.0.0.1/'],
    ['a private network (192.168)', 'https://192.168.1.1/'],
    ['carrier-grade NAT', 'https://100.64.0.1/'],
    ['the unspecified address', 'https://0.0.0.0/'],
    ['IPv6 unique-local', 'https://[fd00::1]/x'],
    ['IPv6 link-local', 'https://[fe80::1]/x'],
    ['a name resolving to a private address', 'https://intranett.example.test/x'],
    ['a name resolving to a public and a private address', 'https://blandet.example.test/x'],
    ['a name resolving to IPv6 loopback', 'https://seks.example.test/x'],
    ['a name that does not resolve', 'https://finnes-ikke.invalid/x'],
    ['plain http', 'http://push.example.test/x'],
    ['a user name and password', 'https://bruker:passord@push.example.test/x'],
    ['another port than 443', 'https://push.example.test:8443/x'],
  ])('refuses a subscription leading to %s', async (_what, endpoint) => {
    dns.set('intranett.example.test', ['10.20.30.40']);
    dns.set('blandet.example.test', [PUBLIC, '192.168.0.10']);
    dns.set('seks.example.test', ['::1']);

    const result = await register(tokens.ola, endpoint);

    expect(result.errors?.map((error) => error.extensions)).toEqual([expect.objectContaining({ code: 'BAD_USER_INPUT', field: 'endpoint' })]);
    expect(await devicesOf(tokens.ola)).toEqual([]);
  });

  it('does not contact a registered push service whose name resolves to a private address when sending', async () => {
    dns.set('push.rebind.example.test', [PUBLIC]);
    const device = await registered(tokens.ola, `https://push.rebind.example.test:${trapPort}/send/${randomUUID()}`);
    expect(await devicesOf(tokens.ola)).toEqual([device]);
    // The name now leads to the server's own loopback, where the trap listens on the subscription's port.
    dns.set('push.rebind.example.test', ['127.0.0.1']);

    const title = `Heisen står ${randomUUID().slice(0, 8)}`;
    const published = await e2e.gql(
      'mutation ($input: CreatePostInput!) { createPost(input: $input) { post { id } } }',
      { input: { title, body: 'Heisen i Blokk A er ute av drift.', kind: 'NEWS', important: true } },
      tokens.kari,
    );
    expect(published.errors).toBeUndefined();

    await eventually(async () => {
      const inbox = await e2e.gql<{
        notifications: { nodes: { title: string; deliveries: { channel: string; status: string; lastError: string | null }[] }[] };
      }>('{ notifications(first: 50) { nodes { title deliveries { channel status lastError } } } }', {}, tokens.ola);
      const push = inbox.data?.notifications.nodes.find((node) => node.title.includes(title))?.deliveries.find((delivery) => delivery.channel === 'PUSH');
      expect(push).toMatchObject({ status: 'FAILED', lastError: expect.stringContaining('127.0.0.1 is not a public address') });
    }, 20_000);
    expect(trapConnections).toBe(0);
  });

  it('keeps a person’s ten newest devices, replacing the oldest with the eleventh', async () => {
    const ids: string[] = [];
    for (let i = 1; i <= 11; i += 1) ids.push(await registered(tokens.per, `https://push${i}.example.test/send/${randomUUID()}`));

    const kept = await devicesOf(tokens.per);

    expect(kept).toEqual(ids.slice(1));
  });

  it('keeps at most five of a person’s subscriptions at one push service', async () => {
    const ids: string[] = [];
    for (let i = 1; i <= 6; i += 1) ids.push(await registered(tokens.eva, `https://push.example.test/send/${randomUUID()}`));
    const elsewhere = await registered(tokens.eva, `https://annen.example.test/send/${randomUUID()}`);

    const kept = await devicesOf(tokens.eva);

    expect(kept).toEqual([...ids.slice(1), elsewhere]);
  });
});
