import type { Event } from '@tunet/kit';
import { DEMO, DEMO_OPERATOR_EMAIL, DEMO_PASSWORD } from '@tunet/members';
import { strFromU8, unzipSync } from 'fflate';
import { DateTime } from 'luxon';
import { createApiKeySecret, openE2E, type E2E, type GraphQLResponse } from './e2e.fixtures';

/**
 * Terms §9 through the gateway: on the termination day Fjordly's access closes. Its board ends the agreement from
 * today; the sweep (the stack's own, nudged by the filing, racing a second one) completes it once. From then on login,
 * refresh, an API key and an access token issued before are refused with FORBIDDEN and ASSOCIATION_TERMINATED, and
 * exactly one `association.terminated` reaches the event stream.
 */
describe('a terminated association', () => {
  let e2e: E2E;
  const received: Event[] = [];
  let stopListening: () => Promise<void>;

  beforeAll(async () => {
    e2e = await openE2E();
    const consumer = await e2e.stack.stream.consume({
      group: 'e2e-termination',
      consumer: 'e2e-1',
      topics: ['association.terminated'],
      blockMs: 200,
      handler: async (event) => void received.push(event),
    });
    stopListening = () => consumer.stop();
  });
  afterAll(async () => {
    await stopListening?.();
    await e2e?.close();
  });

  const refusal = (response: GraphQLResponse) => ({ status: response.status, ...response.errors?.[0]?.extensions, data: response.data ?? null });
  const ME = '{ me { id } }';
  const ASSOCIATION = `{ association(id: "${DEMO.fjordly}") { name } }`;

  it('refuses login, refresh, API keys and earlier access tokens with ASSOCIATION_TERMINATED, and announces it once', async () => {
    const eva = await e2e.login('eva@fjordly.example');
    const apiKey = await createApiKeySecret(e2e, eva.accessToken, ['MEMBERS_READ']);
    // Used once while the association is open, so the gateway holds the key's verification in its cache.
    expect((await e2e.gql(ASSOCIATION, {}, apiKey)).errors).toBeUndefined();
    // Never used before the end: the gateway asks members, which refuses it with the reason.
    const unusedKey = await createApiKeySecret(e2e, eva.accessToken, ['MEMBERS_READ']);
    expect((await e2e.gql(ME, {}, eva.accessToken)).data).toEqual({ me: { id: DEMO.eva } });

    const today = DateTime.now().setZone('Europe/Oslo').toISODate();
    const filed = await e2e.gql<{ terminateAgreement: { termination: { id: string; initiatedBy: string; effectiveOn: string } } }>(
      'mutation ($i: TerminateAgreementInput!) { terminateAgreement(input: $i) { termination { id initiatedBy effectiveOn } } }',
      { i: { associationId: DEMO.fjordly, effectiveOn: today, reason: 'Vi går over til et annet system' } },
      eva.accessToken,
    );
    expect(filed.data?.terminateAgreement.termination).toMatchObject({ initiatedBy: 'BOARD', effectiveOn: today });
    // A second replica's sweep races the stack's own.
    await e2e.stack.members.agreements.completeDueTerminations();

    const terminated = { code: 'FORBIDDEN', reason: 'ASSOCIATION_TERMINATED' };
    for (let i = 0; i < 50 && (await e2e.gql(ME, {}, eva.accessToken)).status !== 403; i++) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(refusal(await e2e.gql(ME, {}, eva.accessToken))).toMatchObject({ ...terminated, status: 403, data: null });
    expect(refusal(await e2e.gql(ASSOCIATION, {}, apiKey))).toMatchObject({ ...terminated, status: 403, data: null });
    expect(refusal(await e2e.gql(ASSOCIATION, {}, unusedKey))).toMatchObject({ ...terminated, status: 403, data: null });
    const login = await e2e.gql('mutation ($i: LoginInput!) { login(input: $i) { accessToken } }', {
      i: { email: 'eva@fjordly.example', password: DEMO_PASSWORD },
    });
    expect(refusal(login)).toMatchObject(terminated);
    // In nb, the association default, as the client sent no Accept-Language.
    expect(login.errors![0]!.message).toMatch(/avtale med Tunet er avsluttet/);
    const refresh = await e2e.gql('mutation ($i: RefreshSessionInput!) { refreshSession(input: $i) { accessToken } }', {
      i: { refreshToken: eva.refreshToken },
    });
    expect(refusal(refresh)).toMatchObject(terminated);

    // Solbakken is untouched.
    const kari = await e2e.login('kari@solbakken.example');
    expect((await e2e.gql(ME, {}, kari.accessToken)).data).toEqual({ me: { id: DEMO.kari } });

    const terminationId = filed.data!.terminateAgreement.termination.id;
    for (let i = 0; i < 50 && received.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 100));
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(received.filter((event) => event.associationId === DEMO.fjordly)).toEqual([
      expect.objectContaining({
        topic: 'association.terminated',
        payload: { terminationId, terminatedOn: today, initiatedBy: 'board', timeZone: 'Europe/Oslo' },
      }),
    ]);
  });

  it('gives the terminated association its export through the link and code an operator issues', async () => {
    const operator = (await e2e.login(DEMO_OPERATOR_EMAIL)).accessToken;
    const CLOSURE = `query { associationClosure(associationId: "${DEMO.fjordly}") { status availableUntil links { downloads } } }`;
    type Closure = { associationClosure: { status: string; availableUntil: string; links: { downloads: number }[] } | null };
    // privacy starts the closure from association.terminated; its job (run here rather than waited for) builds the export
    let closure: Closure['associationClosure'] = null;
    for (let i = 0; i < 100 && closure?.status !== 'READY'; i++) {
      await e2e.stack.privacy.closures.run();
      closure = (await e2e.gql<Closure>(CLOSURE, {}, operator)).data!.associationClosure;
      if (closure?.status !== 'READY') await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(closure).toMatchObject({ status: 'READY', availableUntil: DateTime.now().setZone('Europe/Oslo').plus({ months: 3 }).toISODate() });

    const issued = await e2e.gql<{ issueClosureExportLink: { url: string; accessCode: string } }>(
      `mutation { issueClosureExportLink(input: { associationId: "${DEMO.fjordly}" }) { url accessCode } }`,
      {},
      operator,
    );
    const { url, accessCode } = issued.data!.issueClosureExportLink;
    const page = await fetch(url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('name="code"');
    // the token is in the URL: the page is never cached, framed, or named in a Referer
    expect(page.headers.get('content-security-policy')).toContain("form-action 'self'; frame-ancestors 'none'");
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    expect(page.headers.get('cache-control')).toBe('no-store');
    const post = (code: string) =>
      fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ code }) });
    expect((await post('00000-00000')).status).toBe(403);
    const download = await post(accessCode);
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toBe('application/zip');
    const zip = unzipSync(new Uint8Array(await download.arrayBuffer()));
    expect(JSON.parse(strFromU8(zip['members.json']!))).toMatchObject({ subgraph: 'members' });
    expect((await e2e.gql<Closure>(CLOSURE, {}, operator)).data!.associationClosure!.links).toEqual([{ downloads: 1 }]);
  });
});
