import { eventually } from '@tunet/kit/src/events/events.fixtures';
import { noisyPng } from '@tunet/kit/src/files/files.fixtures';
import { DEMO, DEMO_PASSWORD } from '@tunet/members';
import { startTestSmtpServer } from '@tunet/notifications/src/email/email.fixtures';
import { codes, openE2E, type E2E } from './e2e.fixtures';
import { loadOperation } from './first-party';

type Directory = { directory: { nodes: { id: string; displayName: string | null; email: string | null; occupation: string | null }[] } };
const DIRECTORY = '{ directory(first: 50) { nodes { id displayName email occupation } } }';

type SmtpSink = Awaited<ReturnType<typeof startTestSmtpServer>>;

describe('the resident directory and board work through the gateway', () => {
  let e2e: E2E;
  let smtp: SmtpSink;
  let kari: string;
  let ola: string;

  beforeAll(async () => {
    // A real SMTP server on loopback receives the account e-mails (password reset, invitation).
    smtp = await startTestSmtpServer();
    e2e = await openE2E(undefined, { notifications: { email: { smtpUrl: smtp.url, from: 'Tunet <varsler@tunet.test>' } } });
    kari = (await e2e.login('kari@solbakken.example')).accessToken;
    ola = (await e2e.login('ola@solbakken.example')).accessToken;
  });
  afterAll(async () => {
    await e2e?.close();
    await smtp?.close();
  });

  it("shows residents each other's public profile only, and nobody who hides their name", async () => {
    const result = await e2e.gql<Directory>(DIRECTORY, {}, ola);
    expect(result.errors).toBeUndefined();
    const nodes = result.data!.directory.nodes;
    expect(nodes.map((m) => m.displayName)).toEqual(['Ingrid Hansen', 'Jonas Lie', 'Kari Nordmann', 'Ola Hansen', 'Per Ødegård']);
    expect(nodes.find((m) => m.id === DEMO.kari)!.email).toBeNull();
    expect(nodes.find((m) => m.id === DEMO.ola)!.email).toBe('ola@solbakken.example');
  });

  it('never leaks a hidden name through an entity reference either', async () => {
    const byId = await e2e.gql<{ member: { displayName: string | null; nameHidden: boolean } }>(
      'query ($id: ID!) { member(id: $id) { displayName nameHidden } }',
      { id: DEMO.aase },
      ola,
    );
    expect(byId.data).toEqual({ member: { displayName: null, nameHidden: true } });
  });

  it('refuses a portrait from another website, and shows none that was stored before', async () => {
    const refused = await e2e.gql('mutation { updateMyProfile(input: { portraitUrl: "https://tracker.example/p.gif" }) { member { portraitUrl } } }', {}, ola);
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'portraitUrl' });

    await e2e.stack.members.repositories.members.updateMember(DEMO.solbakken, DEMO.ola, { portraitUrl: 'https://tracker.example/p.gif' });
    const portraitOf = async (token: string) =>
      (await e2e.gql<{ member: { portraitUrl: string | null } }>('query ($id: ID!) { member(id: $id) { portraitUrl } }', { id: DEMO.ola }, token)).data!.member
        .portraitUrl;
    expect(await portraitOf(kari)).toBeNull();
    expect(await portraitOf(ola)).toBeNull();
    await e2e.stack.members.repositories.members.updateMember(DEMO.solbakken, DEMO.ola, { portraitUrl: null });
  });

  it('finds residents by building, unit, title and folded name, with the total for the badge (DirectorySearch, decision 0047)', async () => {
    type Search = { directory: { totalCount: number; nodes: { displayName: string | null; externalTitle: string | null }[] } };
    const search = async (text: string, token = ola) => {
      const result = await e2e.gql<Search>(loadOperation('directory-search'), { search: text, first: 1 }, token);
      expect(result.errors).toBeUndefined();
      return { total: result.data!.directory.totalCount, first: result.data!.directory.nodes[0]?.displayName ?? null };
    };
    expect(await search('Blokk B')).toEqual({ total: 1, first: 'Per Ødegård' });
    expect(await search('Blokk B', kari)).toEqual({ total: 2, first: 'Per Ødegård' });
    expect(await search('H0101')).toEqual({ total: 2, first: 'Ingrid Hansen' });
    expect(await search('vaktmester')).toEqual({ total: 1, first: 'Jonas Lie' });
    expect(await search('Aase', kari)).toEqual({ total: 1, first: 'Åse Berg' });
    expect(await search('Aase')).toEqual({ total: 0, first: null });
  });

  it("uploads a portrait (SetMyPortrait) served by a stable signed link, shown to a neighbour only with the person's consent", async () => {
    type Portrait = { member: { portraitUrl: string | null; portraitThumbnailUrl: string | null } };
    // Over the gateway's 512 kB for other operations: a portrait is a bulk mutation, as uploadFile is.
    const picture = (await noisyPng(600, 400)).toString('base64');
    expect(picture.length).toBeGreaterThan(512 * 1024);
    const set = await e2e.gql<{ setMyPortrait: Portrait }>(loadOperation('set-my-portrait'), { input: { fileName: 'meg.png', contentBase64: picture } }, ola);
    expect(set.errors).toBeUndefined();
    const { portraitUrl, portraitThumbnailUrl } = set.data!.setMyPortrait.member;
    expect(portraitUrl!.startsWith(`${new URL(e2e.stack.gatewayUrl).origin}/portraits/`)).toBe(true);
    const served = await fetch(portraitUrl!);
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toBe('image/png');
    expect(served.headers.get('cache-control')).toMatch(/^private, max-age=\d+$/);
    expect((await fetch(portraitUrl!.replace(/sig=.{4}/, 'sig=AAAA'))).status).toBe(403);

    const seenBy = async (token: string) =>
      (await e2e.gql<{ member: Portrait['member'] }>('query ($id: ID!) { member(id: $id) { portraitUrl portraitThumbnailUrl } }', { id: DEMO.ola }, token))
        .data!.member;
    // The same picture's links again (the links themselves are the same within the hour: the kit's unit test, with
    // its clock; this one runs on the real clock, which may pass an hour's boundary between the two reads).
    const pathOf = (url: string | null) => url && new URL(url).pathname;
    const again = await seenBy(ola);
    expect([pathOf(again.portraitUrl), pathOf(again.portraitThumbnailUrl)]).toEqual([pathOf(portraitUrl), pathOf(portraitThumbnailUrl)]);
    expect(await seenBy(kari)).toEqual({ portraitUrl: null, portraitThumbnailUrl: null });
    const per = (await e2e.login('per@solbakken.example')).accessToken;
    expect((await seenBy(per)).portraitUrl).toBeNull();
    const purposes = await e2e.gql<{ privacyPurposes: { key: string; version: number }[] }>('{ privacyPurposes { key version } }', {}, ola);
    const portrait = purposes.data!.privacyPurposes.find((p) => p.key === 'directory_portrait')!;
    const granted = await e2e.gql(
      'mutation ($i: GrantConsentInput!) { grantConsent(input: $i) { granted } }',
      { i: { purpose: portrait.key, textVersion: portrait.version } },
      ola,
    );
    expect(granted.errors).toBeUndefined();
    expect(pathOf((await seenBy(per)).portraitUrl)).toBe(pathOf(portraitUrl));

    const removed = await e2e.gql<{ removeMyPortrait: Portrait }>('mutation { removeMyPortrait { member { portraitUrl } } }', {}, ola);
    expect(removed.data!.removeMyPortrait.member.portraitUrl).toBeNull();
    expect((await fetch(portraitUrl!)).status).toBe(404);
  });

  it('lets the board reach everyone, and records those reads in the access log', async () => {
    const result = await e2e.gql<Directory>(DIRECTORY, {}, kari);
    const nodes = result.data!.directory.nodes;
    expect(nodes.map((m) => m.displayName)).toContain('Åse Berg');
    expect(nodes.find((m) => m.id === DEMO.ola)!.email).toBe('ola@solbakken.example');
    // Åse sees it in the privacy subgraph's access log, fed by members' personal_data.accessed (decision 0039).
    const aase = (await e2e.login('aase@solbakken.example')).accessToken;
    await eventually(async () => {
      const log = await e2e.gql<{ myDataAccess: { nodes: { kind: string; actorKind: string; actor: { id: string } | null; fields: string[] }[] } }>(
        '{ myDataAccess { nodes { kind actorKind actor { id } fields } } }',
        {},
        aase,
      );
      expect(log.data!.myDataAccess.nodes).toContainEqual({ kind: 'READ', actorKind: 'MEMBER', actor: { id: DEMO.kari }, fields: ['email', 'name'].sort() });
    });
  });

  it("logs the board's suspension and the person's own profile change in the person's access log", async () => {
    const per = (await e2e.login('per@solbakken.example')).accessToken;
    const updated = await e2e.gql('mutation { updateMyProfile(input: { phone: "+47 400 00 001" }) { member { id } } }', {}, per);
    expect(updated.errors).toBeUndefined();
    await e2e.gql('mutation ($id: ID!) { suspendMember(input: { memberId: $id, reason: "Testing the log" }) { member { id } } }', { id: DEMO.per }, kari);
    await e2e.gql('mutation ($id: ID!) { reinstateMember(input: { memberId: $id }) { member { id } } }', { id: DEMO.per }, kari);
    const mine = (await e2e.login('per@solbakken.example')).accessToken;
    await eventually(async () => {
      const log = await e2e.gql<{ myDataAccess: { nodes: { kind: string; actor: { id: string } | null; fields: string[]; operation: string }[] } }>(
        '{ myDataAccess { nodes { kind actor { id } fields operation } } }',
        {},
        mine,
      );
      expect(log.data!.myDataAccess.nodes.filter((entry) => entry.kind === 'CHANGE')).toEqual([
        { kind: 'CHANGE', actor: { id: DEMO.kari }, fields: ['suspension'], operation: 'reinstateMember' },
        { kind: 'CHANGE', actor: { id: DEMO.kari }, fields: ['suspension'], operation: 'suspendMember' },
        { kind: 'CHANGE', actor: { id: DEMO.per }, fields: ['phone'], operation: 'updateMyProfile' },
      ]);
    });
  });

  it('lets the board add a building, a unit and a tenure, after which the person lives there', async () => {
    const building = await e2e.gql<{ createBuilding: { building: { id: string } } }>(
      'mutation { createBuilding(input: { name: "Blokk C", streetAddress: "Solbakkveien 5" }) { building { id } } }',
      {},
      kari,
    );
    const buildingId = building.data!.createBuilding.building.id;
    const unit = await e2e.gql<{ createUnit: { unit: { id: string } } }>(
      'mutation ($b: ID!) { createUnit(input: { buildingId: $b, number: "H0101", shareNumber: "6", floor: 1, sizeSqm: 66.5 }) { unit { id } } }',
      { b: buildingId },
      kari,
    );
    const unitId = unit.data!.createUnit.unit.id;
    const duplicate = await e2e.gql(
      'mutation ($b: ID!) { createUnit(input: { buildingId: $b, number: "H0102", shareNumber: "6" }) { unit { id } } }',
      { b: buildingId },
      kari,
    );
    expect(codes(duplicate)).toEqual(['CONFLICT']);

    const tenure = await e2e.gql<{ addTenure: { tenure: { active: boolean; unit: { household: { id: string }[] } } } }>(
      'mutation ($u: ID!, $m: ID!) { addTenure(input: { unitId: $u, memberId: $m, relation: TENANT, moveIn: "2020-01-01" }) { tenure { active unit { household { id } } } } }',
      { u: unitId, m: DEMO.jonas },
      kari,
    );
    expect(tenure.errors).toBeUndefined();
    expect(tenure.data!.addTenure.tenure).toEqual({ active: true, unit: { household: [{ id: DEMO.jonas }] } });
    const directory = await e2e.gql<Directory>(
      'query ($b: ID!) { directory(filter: { buildingId: $b }) { nodes { id displayName email occupation } } }',
      { b: buildingId },
      ola,
    );
    expect(directory.data!.directory.nodes.map((m) => m.displayName)).toEqual(['Jonas Lie']);
  });

  it('refuses board operations to residents, naming nothing half-done', async () => {
    const attempt = await e2e.gql('mutation { createBuilding(input: { name: "Blokk X" }) { building { id } } }', {}, ola);
    expect(codes(attempt)).toEqual(['FORBIDDEN']);
    const buildings = await e2e.gql<{ association: { buildings: { name: string }[] } }>(
      'query ($id: ID!) { association(id: $id) { buildings { name } } }',
      { id: DEMO.solbakken },
      kari,
    );
    expect(buildings.data!.association.buildings.map((b) => b.name)).not.toContain('Blokk X');
  });

  it('delivers a recorded move-out to other subgraphs through the outbox and the event stream', async () => {
    const received: { topic: string; associationId: string; payload: Record<string, unknown> }[] = [];
    const consumer = await e2e.stack.stream.consume({
      group: 'e2e-listener',
      consumer: 'e2e-1',
      topics: ['member.moved_out'],
      blockMs: 200,
      handler: async (event) => void received.push(event),
    });
    try {
      const tenures = await e2e.gql<{ member: { tenures: { id: string }[] } }>(
        'query ($id: ID!) { member(id: $id) { tenures { id } } }',
        { id: DEMO.ingrid },
        kari,
      );
      const tenureId = tenures.data!.member.tenures[0]!.id;
      const moved = await e2e.gql(
        'mutation ($t: ID!) { recordMoveOut(input: { tenureId: $t, moveOut: "2026-01-31" }) { tenure { active moveOut } } }',
        { t: tenureId },
        kari,
      );
      expect(moved.data).toEqual({ recordMoveOut: { tenure: { active: false, moveOut: '2026-01-31' } } });
      for (let i = 0; i < 50 && received.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 100));
      expect(received).toEqual([
        expect.objectContaining({
          topic: 'member.moved_out',
          associationId: DEMO.solbakken,
          payload: expect.objectContaining({ memberId: DEMO.ingrid, tenureId, moveOut: '2026-01-31' }),
        }),
      ]);
    } finally {
      await consumer.stop();
    }
  });

  it('keeps the tenure history of a unit for the board', async () => {
    const query = 'query ($id: ID!) { member(id: $id) { tenures { unit { id tenures { relation contractNumber } } } } }';
    const asResident = await e2e.gql(query, { id: DEMO.ola }, ola);
    expect(codes(asResident)).toEqual(['FORBIDDEN']);
    const asBoard = await e2e.gql(query, { id: DEMO.ola }, kari);
    expect(asBoard.errors).toBeUndefined();
  });

  describe('account flows with e-mail (issue 16, decision 0046)', () => {
    const mailTo = (address: string, subject: string) =>
      smtp.received.find((mail) => mail.recipients.includes(address) && mail.parsed.subject?.startsWith(subject));
    const tokenIn = (text: string, path: string) => {
      const link = new URL(new RegExp(`https?://\\S*${path}\\S*`).exec(text)![0]);
      expect(link.pathname).toBe(path);
      return new URLSearchParams(link.hash.slice(1)).get('token')!;
    };

    it('resets a forgotten password: the same answer for any e-mail, a link in the person’s language, every old session ended', async () => {
      const old = await e2e.login('jonas@solbakken.example');
      const english = await e2e.gql('mutation { updateNotificationPreferences(input: { locale: EN }) { preferences { locale } } }', {}, old.accessToken);
      expect(english.errors).toBeUndefined();
      const request = (email: string) => e2e.gql(loadOperation('password-reset-request'), { input: { email } });
      expect((await request('jonas@solbakken.example')).data).toEqual({ requestPasswordReset: { linkValidMinutes: 30 } });
      expect((await request('nobody@solbakken.example')).data).toEqual({ requestPasswordReset: { linkValidMinutes: 30 } });

      await eventually(() => expect(mailTo('jonas@solbakken.example', 'Choose a new password')).toBeDefined(), 20_000);
      const mail = mailTo('jonas@solbakken.example', 'Choose a new password')!;
      expect(mail.header('content-language')).toBe('en');
      const token = tokenIn(mail.parsed.text!, '/reset-password');
      expect(smtp.received.flatMap((received) => received.recipients)).not.toContain('nobody@solbakken.example');

      const reset = await e2e.gql(loadOperation('password-reset'), { input: { token, newPassword: 'jonas sitt nye passord' } });
      expect(reset.data).toEqual({ resetPassword: { email: 'jonas@solbakken.example', endedSessions: 1 } });
      expect((await e2e.gql('{ me { id } }', {}, old.accessToken)).status).toBe(401);
      const refreshed = await e2e.gql('mutation ($t: String!) { refreshSession(input: { refreshToken: $t }) { accessToken } }', { t: old.refreshToken });
      expect(codes(refreshed)).toEqual(['UNAUTHENTICATED']);
      const again = await e2e.gql(loadOperation('password-reset'), { input: { token, newPassword: 'enda et nytt passord' } });
      expect(again.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'PASSWORD_RESET_TOKEN_USED', field: 'token' });
      const login = await e2e.gql('mutation ($i: LoginInput!) { login(input: $i) { accessToken } }', {
        i: { email: 'jonas@solbakken.example', password: 'jonas sitt nye passord' },
      });
      expect(login.errors).toBeUndefined();
    });

    it('previews and accepts an invitation with an existing account, then lists both memberships and switches between them', async () => {
      const invited = await e2e.gql(
        'mutation { inviteMember(input: { email: "eva@fjordly.example", displayName: "Eva Fjeld", externalTitle: "Revisor" }) { invitation { id } } }',
        {},
        kari,
      );
      expect(invited.errors).toBeUndefined();
      await eventually(() => expect(mailTo('eva@fjordly.example', 'Invitasjon til Solbakken')).toBeDefined(), 20_000);
      const token = tokenIn(mailTo('eva@fjordly.example', 'Invitasjon til Solbakken')!.parsed.text!, '/invitations');

      const preview = await e2e.gql(loadOperation('invitation-preview'), { token });
      expect(preview.data).toEqual({
        invitationPreview: {
          associationName: 'Solbakken borettslag',
          invitedBy: 'Kari Nordmann',
          displayName: 'Eva Fjeld',
          email: 'eva@fjordly.example',
          unitNumber: null,
          buildingName: null,
          relation: null,
          externalTitle: 'Revisor',
          committeeRole: null,
          expiresAt: expect.any(String),
          passwordRequired: true,
          existingAccount: true,
        },
      });
      // The link alone does not open Eva's account (nor her board seat in Fjordly): her own password does.
      const withoutPassword = await e2e.gql(loadOperation('accept-invitation'), { input: { token } });
      expect(withoutPassword.errors?.[0]?.extensions).toMatchObject({ reason: 'PASSWORD_REQUIRED', field: 'password', existingAccount: true });
      const accepted = await e2e.gql<{ acceptInvitation: { accessToken: string } }>(loadOperation('accept-invitation'), {
        input: { token, password: DEMO_PASSWORD },
      });
      expect(accepted.errors).toBeUndefined();
      const inSolbakken = accepted.data!.acceptInvitation.accessToken;

      const memberships = await e2e.gql<{ myMemberships: { associationName: string; canEnter: boolean; current: boolean }[] }>(
        loadOperation('my-memberships'),
        {},
        inSolbakken,
      );
      expect(memberships.data!.myMemberships.map(({ associationName, canEnter, current }) => ({ associationName, canEnter, current }))).toEqual([
        { associationName: 'Fjordly sameie', canEnter: true, current: false },
        { associationName: 'Solbakken borettslag', canEnter: true, current: true },
      ]);
      const switched = await e2e.gql<{ switchAssociation: { accessToken: string } }>(
        loadOperation('switch-association'),
        { input: { associationId: DEMO.fjordly } },
        inSolbakken,
      );
      expect(switched.errors).toBeUndefined();
      const me = await e2e.gql('{ me { association { name } } }', {}, switched.data!.switchAssociation.accessToken);
      expect(me.data).toEqual({ me: { association: { name: 'Fjordly sameie' } } });
      // The session in Solbakken goes on.
      expect((await e2e.gql('{ me { association { name } } }', {}, inSolbakken)).data).toEqual({ me: { association: { name: 'Solbakken borettslag' } } });
    });
  });
});
