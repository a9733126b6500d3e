import type { ResolveHost } from '../config';
import { PushEndpointPolicy } from './push-endpoints';

const PUBLIC = '151.101.2.132';

/** DNS that knows only the names given. */
function dns(answers: Record<string, string[]>): ResolveHost {
  return async (host) => {
    const addresses = answers[host];
    if (!addresses) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
    return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
}

describe('PushEndpointPolicy', () => {
  const policy = new PushEndpointPolicy({
    resolve: dns({
      'fcm.googleapis.com': [PUBLIC, '2a00:1450:400f:80d::200a'],
      'updates.push.services.mozilla.com': ['10.1.2.3'],
      'web.push.apple.com': [PUBLIC, '127.0.0.1'],
    }),
  });

  it('accepts a browser’s push service at a public address and says where to connect', async () => {
    expect(await policy.check('https://fcm.googleapis.com/fcm/send/abc')).toEqual({
      ok: true,
      target: { url: new URL('https://fcm.googleapis.com/fcm/send/abc'), address: PUBLIC, family: 4 },
    });
  });

  it.each([
    ['http://fcm.googleapis.com/fcm/send/abc', 'must be an https URL'],
    ['fcm.googleapis.com/fcm/send/abc', 'must be an absolute URL'],
    ['https://bruker:hemmelig@fcm.googleapis.com/fcm/send/abc', 'must not contain a user name or password'],
    ['https://fcm.googleapis.com:8443/fcm/send/abc', 'must use port 443'],
    [`https://fcm.googleapis.com/fcm/send/${'a'.repeat(1000)}`, 'must be at most 1000 characters'],
    ['https://push.example.test/abc', 'push.example.test is not a known push service'],
    ['https://fcm.googleapis.com.example.test/abc', 'fcm.googleapis.com.example.test is not a known push service'],
    ['https://evilpush.apple.com.example.test/abc', 'evilpush.apple.com.example.test is not a known push service'],
    ['https://10.0.0.1/abc', '10.0.0.1 is not a known push service'],
  ])('refuses %s without looking it up: %s', async (endpoint, reason) => {
    expect(await policy.check(endpoint)).toEqual({ ok: false, reason, transient: false });
  });

  it('refuses a known push service whose name resolves to a private address, or to any one', async () => {
    expect(await policy.check('https://updates.push.services.mozilla.com/wpush/v2/abc')).toEqual({
      ok: false,
      reason: '10.1.2.3 is not a public address',
      transient: false,
    });
    expect(await policy.check('https://web.push.apple.com/abc')).toEqual({ ok: false, reason: '127.0.0.1 is not a public address', transient: false });
  });

  it('counts a failed lookup as passing trouble, to be tried again', async () => {
    expect(await policy.check('https://a.notify.windows.com/w/?token=abc')).toEqual({
      ok: false,
      reason: 'a.notify.windows.com could not be looked up (ENOTFOUND)',
      transient: true,
    });
  });

  it('lets an installation name its own hosts, or any public one', async () => {
    const any = new PushEndpointPolicy({ hosts: ['*'], resolve: dns({ 'push.example.test': [PUBLIC] }) });
    expect(await any.check('https://push.example.test/abc')).toMatchObject({ ok: true });
    expect(await any.check('https://[::1]/abc')).toEqual({ ok: false, reason: '::1 is not a public address', transient: false });
    expect(await any.check('https://[::ffff:7f00:1]/abc')).toEqual({ ok: false, reason: '::ffff:7f00:1 is not a public address', transient: false });
    expect(await any.check('https://169.254.169.254/latest/meta-data/')).toEqual({
      ok: false,
      reason: '169.254.169.254 is not a public address',
      transient: false,
    });
    const own = new PushEndpointPolicy({ hosts: ['push.example.test'], resolve: dns({ 'push.example.test': [PUBLIC] }) });
    expect(await own.check('https://Push.Example.Test./abc')).toMatchObject({ ok: true, target: { address: PUBLIC } });
    expect(await own.check('https://fcm.googleapis.com/abc')).toMatchObject({ ok: false, reason: 'fcm.googleapis.com is not a known push service' });
  });
});
