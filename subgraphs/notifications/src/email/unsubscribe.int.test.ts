import { randomUUID } from 'node:crypto';
import type { PublicResponse } from '@tunet/kit';
import { and, eq } from 'drizzle-orm';
import type { Category } from '../model';
import { preferenceLog } from '../tables';
import { openNotificationsTestBed, type NotificationsTestBed } from '../notifications.fixtures';
import { UnsubscribeService, UnsubscribeTokens, type UnsubscribeScope } from './unsubscribe';

let bed: NotificationsTestBed;
let service: UnsubscribeService;
const tokens = new UnsubscribeTokens('unsubscribe-test-secret-unsubscribe-test-secret');

beforeAll(async () => {
  bed = await openNotificationsTestBed();
  service = new UnsubscribeService(tokens, bed.subgraph.preferencesRepository, 'https://app.tunet.test');
});

afterAll(() => bed.close());

const context = { viewer: null, requestId: 'test', clientIp: '127.0.0.1' };
const ONE_CLICK = { body: 'List-Unsubscribe=One-Click', contentType: 'application/x-www-form-urlencoded' };
const PAGE_FORM = { body: 'confirm=yes', contentType: 'application/x-www-form-urlencoded' };

function person(categories: Category[] = ['events'], locale: 'nb' | 'en' = 'nb'): UnsubscribeScope & { token: string } {
  const scope = { associationId: randomUUID(), memberId: randomUUID(), categories, locale };
  return { ...scope, token: tokens.tokenFor(scope) };
}

const open = (token: string) => service.page({ path: `/${token}`, query: {}, context });
const post = (token: string, form: { body: string; contentType: string | null } = ONE_CLICK) =>
  service.submit({ path: `/${token}`, query: {}, context, ...form });

const text = (answer: PublicResponse) => String(answer.body);

async function emailChoices(scope: UnsubscribeScope) {
  const overrides = (await bed.subgraph.preferencesRepository.overridesOf(scope.associationId, [scope.memberId])).get(scope.memberId)!;
  return Object.fromEntries(overrides);
}

async function changesLogged(scope: UnsubscribeScope) {
  return bed.subgraph.db.tenant(scope.associationId, (tx) =>
    tx
      .select({ via: preferenceLog.via, change: preferenceLog.change })
      .from(preferenceLog)
      .where(and(eq(preferenceLog.associationId, scope.associationId), eq(preferenceLog.memberId, scope.memberId))),
  );
}

describe('the unsubscribe link', () => {
  it('shows a page in the e-mail’s language that names the category and posts back to itself, and changes nothing', async () => {
    const kari = person(['events']);
    const answer = await open(kari.token);

    expect(answer.status).toBe(200);
    expect(answer.contentType).toBe('text/html; charset=utf-8');
    expect(text(answer)).toContain('<html lang="nb">');
    expect(text(answer)).toContain('Vil du slutte å få e-post om «Arrangementer»?');
    expect(text(answer)).toContain('<form method="post"><input type="hidden" name="confirm" value="yes">');
    expect(text(answer)).toContain('href="https://app.tunet.test/settings/notifications"');
    expect(answer.headers).toMatchObject({ 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' });
    expect(answer.headers?.['content-security-policy']).toContain("form-action 'self'");

    expect(await open(kari.token)).toEqual(answer);
    expect(await emailChoices(kari)).toEqual({});
    expect(await changesLogged(kari)).toEqual([]);
  });

  it('speaks English to someone whose e-mail was in English', async () => {
    const answer = await open(person(['news'], 'en').token);
    expect(text(answer)).toContain('<html lang="en">');
    expect(text(answer)).toContain('Do you want to stop getting e-mail about “News”?');
  });

  it('turns e-mail off for the category on a mail client’s one-click, and logs it as one-click', async () => {
    const kari = person(['events']);
    const answer = await post(kari.token);

    expect(answer.status).toBe(200);
    expect(text(answer)).toContain('Du får ikke lenger e-post om «Arrangementer».');
    expect(text(answer)).not.toContain('<form');
    expect(await emailChoices(kari)).toEqual({ 'events:email': false });
    expect(await changesLogged(kari)).toEqual([
      { via: 'one_click', change: { channels: [{ category: 'events', channel: 'email', enabled: false }], settings: {} } },
    ]);
  });

  it('takes a one-click sent as multipart form data too', async () => {
    const ola = person(['reservations']);
    const boundary = 'tunet-boundary';
    const body = `--${boundary}\r\nContent-Disposition: form-data; name="List-Unsubscribe"\r\n\r\nOne-Click\r\n--${boundary}--\r\n`;
    expect((await post(ola.token, { body, contentType: `multipart/form-data; boundary=${boundary}` })).status).toBe(200);

    expect(await emailChoices(ola)).toEqual({ 'reservations:email': false });
    expect((await changesLogged(ola)).map((row) => row.via)).toEqual(['one_click']);
  });

  it('turns e-mail off from the page’s button, logged as the unsubscribe link', async () => {
    const ola = person(['comments']);
    expect((await post(ola.token, PAGE_FORM)).status).toBe(200);

    expect(await emailChoices(ola)).toEqual({ 'comments:email': false });
    expect((await changesLogged(ola)).map((row) => row.via)).toEqual(['unsubscribe_link']);
  });

  it('turns every category of a digest’s link off at once', async () => {
    const ingrid = person(['news', 'events']);
    await post(ingrid.token);
    expect(await emailChoices(ingrid)).toEqual({ 'news:email': false, 'events:email': false });
  });

  it('changes nothing for a body that is neither a one-click nor the page’s form', async () => {
    const per = person(['events']);
    const answer = await post(per.token, { body: 'List-Unsubscribe=Yes-Please', contentType: 'application/x-www-form-urlencoded' });

    expect(answer.status).toBe(400);
    expect(await emailChoices(per)).toEqual({});
  });

  it('answers a tampered or made-up token with 404 and changes nothing', async () => {
    const kari = person(['events']);
    const tampered = `${kari.token.slice(0, 40)}${kari.token[40] === 'A' ? 'B' : 'A'}${kari.token.slice(41)}`;
    const forged = new UnsubscribeTokens('a secret someone guessed').tokenFor(kari);

    for (const token of [tampered, forged, 'not-a-token']) {
      expect((await open(token)).status).toBe(404);
      const answer = await post(token);
      expect(answer.status).toBe(404);
      expect(text(answer)).toContain('Lenken er ikke gyldig');
      expect(text(answer)).toContain('This link is not valid');
    }
    expect((await service.page({ path: `/${kari.token}/more`, query: {}, context })).status).toBe(404);
    expect(await emailChoices(kari)).toEqual({});
  });

  it('refuses politely to turn off e-mail for account messages when e-mail is the only way they reach the person', async () => {
    const aase = person(['account']);
    const page = await open(aase.token);
    expect(page.status).toBe(200);
    expect(text(page)).toContain('«Konto og sikkerhet» må nå deg på minst én måte: e-post, push eller SMS.');
    expect(text(page)).not.toContain('<form');

    const answer = await post(aase.token);
    expect(answer.status).toBe(200);
    expect(text(answer)).toContain('Dette kan ikke slås av her');
    expect(text(answer)).toContain('href="https://app.tunet.test/settings/notifications"');
    expect(await emailChoices(aase)).toEqual({});
    expect(await changesLogged(aase)).toEqual([]);
  });

  it('turns off e-mail for important notices while push reaches the person, and not once push is off too', async () => {
    const jonas = person(['important']);
    expect(text(await open(jonas.token))).toContain('<form');
    expect((await post(jonas.token)).status).toBe(200);
    expect(await emailChoices(jonas)).toEqual({ 'important:email': false });

    const per = person(['important']);
    const pushOff = [{ category: 'important' as const, channel: 'push' as const, enabled: false }];
    await bed.subgraph.preferencesRepository.change(per.associationId, per.memberId, pushOff, {}, 'app', () => undefined);
    const refused = await post(per.token);
    expect(text(refused)).toContain('«Viktige meldinger» må nå deg på minst én måte');
    expect(await emailChoices(per)).toEqual({ 'important:push': false });
  });
});
