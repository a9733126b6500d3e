import { DEMO } from '@tunet/members';
import { UnsubscribeTokens } from '@tunet/notifications/src/email/unsubscribe';
import { openE2E, type E2E } from './e2e.fixtures';

describe('e-mail unsubscribe links through the gateway', () => {
  let e2e: E2E;
  let gateway: string;
  let tokens: UnsubscribeTokens;

  beforeAll(async () => {
    e2e = await openE2E();
    gateway = new URL(e2e.stack.gatewayUrl).origin;
    // The link an e-mail to Kari about events carries, signed with the stack's own secret.
    tokens = new UnsubscribeTokens(e2e.secrets.internalSecret);
  });
  afterAll(() => e2e.close());

  const emailChoicesOf = async (memberId: string) =>
    Object.fromEntries((await e2e.stack.notifications.preferencesRepository.overridesOf(DEMO.solbakken, [memberId])).get(memberId)!);

  it('shows the page on GET and changes nothing', async () => {
    const token = tokens.tokenFor({ associationId: DEMO.solbakken, memberId: DEMO.kari, categories: ['events'], locale: 'nb' });
    const response = await fetch(`${gateway}/unsubscribe/${token}`);

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    expect(response.headers.get('content-security-policy')).toContain("form-action 'self'");
    const page = await response.text();
    expect(page).toContain('Vil du slutte å få e-post om «Arrangementer»?');
    expect(page).toContain('<form method="post">');
    expect(await emailChoicesOf(DEMO.kari)).toEqual({});
  });

  it('turns e-mail off for the category on a mail client’s RFC 8058 one-click POST', async () => {
    const token = tokens.tokenFor({ associationId: DEMO.solbakken, memberId: DEMO.ola, categories: ['reservations'], locale: 'en' });
    const response = await fetch(`${gateway}/unsubscribe/${token}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });

    expect(response.status).toBe(200);
    expect(await response.text()).toContain('You will no longer get e-mail about “Bookings”.');
    expect(await emailChoicesOf(DEMO.ola)).toEqual({ 'reservations:email': false });
  });

  it('answers a forged link with 404', async () => {
    const forged = new UnsubscribeTokens('not the stack’s secret').tokenFor({
      associationId: DEMO.solbakken,
      memberId: DEMO.ingrid,
      categories: ['events'],
      locale: 'nb',
    });
    const response = await fetch(`${gateway}/unsubscribe/${forged}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });

    expect(response.status).toBe(404);
    expect(await emailChoicesOf(DEMO.ingrid)).toEqual({});
  });
});
