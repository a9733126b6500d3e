import { absoluteClientLink, clientRoutes, matchClientRoute, publishedClientRoutes } from './client-routes';

describe('client routes', () => {
  it('lead to the agreed path of each page in the web app', () => {
    expect(clientRoutes.post('p1')).toBe('/posts/p1');
    expect(clientRoutes.comment('p1', 'c1')).toBe('/posts/p1#comment-c1');
    expect(clientRoutes.event('e1')).toBe('/events/e1');
    expect(clientRoutes.group('g1')).toBe('/groups/g1');
    expect(clientRoutes.moderationCase('m1')).toBe('/moderation/m1');
    expect(clientRoutes.conduct()).toBe('/conduct');
    expect(clientRoutes.booking('b1')).toBe('/bookings/b1');
    expect(clientRoutes.account()).toBe('/account');
    expect(clientRoutes.notificationSettings()).toBe('/settings/notifications');
    expect(clientRoutes.subscription()).toBe('/settings/subscription');
    expect(clientRoutes.invoice('i1')).toBe('/settings/subscription/invoices/i1');
    expect(clientRoutes.terms()).toBe('/settings/terms');
    expect(clientRoutes.agreement()).toBe('/settings/agreement');
    expect(clientRoutes.privacyRequest('r1')).toBe('/settings/privacy/requests/r1');
    expect(clientRoutes.privacyNotice()).toBe('/privacy');
    expect(clientRoutes.subprocessors()).toBe('/settings/privacy/sub-processors');
    expect(clientRoutes.breach('b1')).toBe('/settings/privacy/breaches/b1');
  });

  it('carry one-time tokens only in the fragment, which browsers send to no server', () => {
    const invitation = new URL(clientRoutes.acceptInvitation('inv_3q2-9xYz'), 'https://app.tunet.test');
    expect([invitation.pathname, invitation.search, invitation.hash]).toEqual(['/invitations', '', '#token=inv_3q2-9xYz']);
    const confirmation = new URL(clientRoutes.confirmEmail('chg_7Hq-Zt0a'), 'https://app.tunet.test');
    expect([confirmation.pathname, confirmation.search, confirmation.hash]).toEqual(['/account/email', '', '#token=chg_7Hq-Zt0a']);
    const setup = new URL(clientRoutes.setPassword('set_4Kp-Qr9w'), 'https://app.tunet.test');
    expect([setup.pathname, setup.search, setup.hash]).toEqual(['/set-password', '', '#token=set_4Kp-Qr9w']);
  });

  it('keep an id or token with URL characters inside its own part of the link', () => {
    expect(clientRoutes.post('a/../b?c#d')).toBe('/posts/a%2F..%2Fb%3Fc%23d');
    const link = new URL(clientRoutes.acceptInvitation('x&admin=1#y'), 'https://app.tunet.test');
    expect(new URLSearchParams(link.hash.slice(1)).get('token')).toBe('x&admin=1#y');
    expect([...new URLSearchParams(link.hash.slice(1)).keys()]).toEqual(['token']);
  });
});

describe('the client route table', () => {
  it('describes every route and each of its parameters, named in the order the path has them', () => {
    for (const route of publishedClientRoutes) {
      const { name } = route;
      expect({ name, described: route.description.length > 10 }).toEqual({ name, described: true });
      expect({ name, params: Object.keys(route.params) }).toEqual({ name, params: [...route.path.matchAll(/:([A-Za-z]+)/g)].map((found) => found[1]) });
      for (const description of Object.values(route.params)) expect(description).toMatch(/\S/);
    }
  });

  it('matches every link a builder makes back to its route and values, also made absolute', () => {
    for (const { name, params: described } of publishedClientRoutes) {
      const values = Object.keys(described).map((param, index) => `${param}-${index}/?#&=x y`);
      const link = Reflect.apply(clientRoutes[name], undefined, values) as string;
      const params = Object.fromEntries(Object.keys(described).map((param, index) => [param, values[index]]));
      expect(matchClientRoute(link)).toEqual({ name, params });
      expect(matchClientRoute(absoluteClientLink('https://app.tunet.test', link)!, 'https://app.tunet.test')).toEqual({ name, params });
    }
  });

  it('matches no link outside the table', () => {
    for (const link of [
      '/account/notifications',
      '/settings/notifications/',
      '/posts',
      '/posts/1/edit',
      '/invitations/abc',
      '/unsubscribe/abc',
      'https://evil.test/posts/1',
      // A malformed encoding is no link (it threw URIError).
      '/posts/%E0%A4',
      'https://app.tunet.test/posts/%E0%A4',
      '/posts/1#comment-%',
      '/invitations#token=%zz',
    ]) {
      expect({ link, route: matchClientRoute(link, 'https://app.tunet.test') }).toEqual({ link, route: null });
    }
  });
});

describe('absoluteClientLink', () => {
  it('joins web-app paths to the web app and keeps only absolute http(s) links', () => {
    expect(absoluteClientLink('https://app.tunet.test', '/posts/1')).toBe('https://app.tunet.test/posts/1');
    expect(absoluteClientLink('https://app.tunet.test', 'https://tunet.test/invitations#token=abc')).toBe('https://tunet.test/invitations#token=abc');
    expect(absoluteClientLink('https://app.tunet.test', '//evil.test/posts/1')).toBeNull();
    expect(absoluteClientLink('https://app.tunet.test', 'javascript:alert(1)')).toBeNull();
    expect(absoluteClientLink('https://app.tunet.test', 'data:text/html,<script>')).toBeNull();
    expect(absoluteClientLink('https://app.tunet.test', null)).toBeNull();
  });
});
