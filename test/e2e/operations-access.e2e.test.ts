import { todayIn } from '@tunet/kit';
import { BillingSweeps } from '@tunet/billing/src/sweeps/sweeps.service';
import { DEMO, DEMO_OPERATOR_EMAIL } from '@tunet/members';
import { sql } from 'drizzle-orm';
import { DateTime } from 'luxon';
import { accessTokens, codes, createApiKeySecret, matrixCaller, matrixTests, openE2E, setupStep, type E2E, type MatrixCall } from './e2e.fixtures';

/**
 * Service requests through the gateway (issue 15, decision 0041): every operation × every kind of caller, the
 * caretaker (an external, assigned nothing) included, and Fjordly on the base plan refused by the gateway; then the
 * add-on blocked for non-payment and paid again, with every operations row of the association as it was.
 */
const ACTORS = ['anonymous', 'resident', 'board', 'caretaker', 'other association', 'integrator', 'platform operator'] as const;
type Actor = (typeof ACTORS)[number];

const REQUEST = 'query ($id: ID!) { serviceRequest(id: $id) { id status title description reporter { id } history { to } } }';
const LIST = '{ serviceRequests(first: 5) { nodes { id status } pageInfo { hasNextPage } } }';
const MINE = '{ myServiceRequests(first: 5) { nodes { id } } }';
const REPORT = 'mutation ($i: ReportServiceRequestInput!) { reportServiceRequest(input: $i) { id status } }';
const CHANGE = 'mutation ($i: ChangeServiceRequestStatusInput!) { changeServiceRequestStatus(input: $i) { id status } }';
const VISIBILITY = 'mutation ($i: SetServiceRequestVisibilityInput!) { setServiceRequestVisibility(input: $i) { id visibleToResidents } }';
const ADD_PHOTO = 'mutation ($i: AddServiceRequestPhotoInput!) { addServiceRequestPhoto(input: $i) { id url contentType } }';
const REMOVE_PHOTO = 'mutation ($id: ID!) { removeServiceRequestPhoto(input: { photoId: $id }) { id photos { id } } }';
/** A 1×1 PNG: the smallest photo the kit decodes and re-encodes. */
const PIXEL = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';
const FIGURES =
  'query ($from: Date!, $to: Date!) { serviceRequestReport(from: $from, to: $to) { total byStatus { status count } medianSecondsToAcknowledge csv overdue { id status } } }';

describe('service requests through the gateway', () => {
  let e2e: E2E;
  let tokens: Record<Exclude<Actor, 'anonymous'>, string>;
  let call: MatrixCall<Actor>;
  let blokkA: string;
  let olaUnit: string;
  let olasRequest: string;
  const commonArea = () => ({
    category: 'COMMON_AREAS',
    location: { kind: 'COMMON_AREA', buildingId: blokkA, place: 'Vaskeriet' },
    title: 'Tørketrommelen går ikke',
    description: 'Den stopper etter to minutter.',
  });
  // Reporting (decision 0044): the last 365 days in Oslo, today included.
  const thisYear = () => {
    const today = DateTime.now().setZone('Europe/Oslo');
    return { from: today.minus({ days: 364 }).toISODate(), to: today.toISODate() };
  };
  const report = async (token: string, input: Record<string, unknown>) =>
    (await setupStep<{ reportServiceRequest: { id: string } }>(e2e, token, REPORT, { i: input })).reportServiceRequest.id;
  // One request for the removal rows: each caller removes a photo Ola just added (five stay; six is the most).
  let removals: Promise<string> | undefined;
  const photoRequest = () => (removals ??= report(tokens.resident, commonArea()));
  const photo = (requestId: string) => ({ i: { requestId, fileName: 'vask.png', contentBase64: PIXEL } });
  const addPhoto = async (token: string, requestId: string) =>
    (await setupStep<{ addServiceRequestPhoto: { id: string; url: string } }>(e2e, token, ADD_PHOTO, photo(requestId))).addServiceRequestPhoto;

  beforeAll(async () => {
    e2e = await openE2E();
    const logins = await accessTokens(e2e, {
      resident: 'ola@solbakken.example',
      board: 'kari@solbakken.example',
      caretaker: 'jonas@solbakken.example',
      'other association': 'eva@fjordly.example',
      'platform operator': DEMO_OPERATOR_EMAIL,
    });
    tokens = { ...logins, integrator: await createApiKeySecret(e2e, logins.board, ['MEMBERS_READ']) };
    call = matrixCaller<Actor>(e2e, tokens);
    blokkA = (await e2e.stack.members.repositories.housing.listBuildings(DEMO.solbakken)).find((b) => b.name === 'Blokk A')!.id;
    olaUnit = (await e2e.stack.members.repositories.housing.tenuresOf(DEMO.solbakken, 'member', [DEMO.ola], true))[0]!.unitId;
    olasRequest = await report(tokens.resident, {
      category: 'PLUMBING',
      location: { kind: 'UNIT', unitId: olaUnit },
      title: 'Lekker under vasken',
      description: 'Det drypper fra avløpet under kjøkkenvasken.',
      urgency: 'URGENT',
      urgentReason: 'WATER_LEAK',
    });
  }, 120_000);
  afterAll(() => e2e?.close());

  describe('access matrix', () => {
    matrixTests(
      ACTORS,
      {
        serviceRequest: (actor) => call(actor, REQUEST, { id: olasRequest }),
        serviceRequests: (actor) => call(actor, LIST),
        myServiceRequests: (actor) => call(actor, MINE),
        reportServiceRequest: (actor) => call(actor, REPORT, { i: commonArea() }),
        // A fresh request of Ola's for each caller, so every caller tries the same change on a NEW request.
        changeServiceRequestStatus: async (actor) => call(actor, CHANGE, { i: { id: await report(tokens.resident, commonArea()), status: 'ACKNOWLEDGED' } }),
        setServiceRequestVisibility: async (actor) =>
          call(actor, VISIBILITY, { i: { id: await report(tokens.resident, commonArea()), visibleToResidents: true } }),
        serviceRequestReport: (actor) => call(actor, FIGURES, thisYear()),
        // Photos (decision 0041, addendum "photos"): on Ola's request; removing, a photo Ola added for each caller.
        addServiceRequestPhoto: (actor) => call(actor, ADD_PHOTO, photo(olasRequest)),
        removeServiceRequestPhoto: async (actor) => call(actor, REMOVE_PHOTO, { id: (await addPhoto(tokens.resident, await photoRequest())).id }),
      },
      {
        // anonymous, resident, board, caretaker, other association, integrator, platform operator
        serviceRequest: ['UNAUTHENTICATED', 'OK', 'OK', 'NOT_FOUND', 'FEATURE_NOT_SUBSCRIBED', 'FORBIDDEN', 'FORBIDDEN'],
        serviceRequests: ['UNAUTHENTICATED', 'OK', 'OK', 'FORBIDDEN', 'FEATURE_NOT_SUBSCRIBED', 'FORBIDDEN', 'FORBIDDEN'],
        myServiceRequests: ['UNAUTHENTICATED', 'OK', 'OK', 'OK', 'FEATURE_NOT_SUBSCRIBED', 'FORBIDDEN', 'FORBIDDEN'],
        reportServiceRequest: ['UNAUTHENTICATED', 'OK', 'OK', 'FORBIDDEN', 'FEATURE_NOT_SUBSCRIBED', 'FORBIDDEN', 'FORBIDDEN'],
        changeServiceRequestStatus: ['UNAUTHENTICATED', 'FORBIDDEN', 'OK', 'NOT_FOUND', 'FEATURE_NOT_SUBSCRIBED', 'FORBIDDEN', 'FORBIDDEN'],
        setServiceRequestVisibility: ['UNAUTHENTICATED', 'OK', 'OK', 'NOT_FOUND', 'FEATURE_NOT_SUBSCRIBED', 'FORBIDDEN', 'FORBIDDEN'],
        serviceRequestReport: ['UNAUTHENTICATED', 'FORBIDDEN', 'OK', 'FORBIDDEN', 'FEATURE_NOT_SUBSCRIBED', 'FORBIDDEN', 'FORBIDDEN'],
        addServiceRequestPhoto: ['UNAUTHENTICATED', 'OK', 'OK', 'NOT_FOUND', 'FEATURE_NOT_SUBSCRIBED', 'FORBIDDEN', 'FORBIDDEN'],
        removeServiceRequestPhoto: ['UNAUTHENTICATED', 'OK', 'OK', 'NOT_FOUND', 'FEATURE_NOT_SUBSCRIBED', 'FORBIDDEN', 'FORBIDDEN'],
      },
    );
  });

  it('names the allowed statuses for an illegal change, and keeps the history the reporter reads', async () => {
    const illegal = await e2e.gql(CHANGE, { i: { id: olasRequest, status: 'RESOLVED' } }, tokens.board);
    expect(illegal.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'status', allowed: ['ACKNOWLEDGED', 'REJECTED'] });
    await setupStep(e2e, tokens.board, CHANGE, { i: { id: olasRequest, status: 'ACKNOWLEDGED' } });
    const seen = await setupStep<{ serviceRequest: { history: { to: string }[]; reporter: { id: string } } }>(e2e, tokens.resident, REQUEST, {
      id: olasRequest,
    });
    expect(seen.serviceRequest).toMatchObject({ reporter: { id: DEMO.ola }, history: [{ to: 'NEW' }, { to: 'ACKNOWLEDGED' }] });
    // Per, in Blokk B, does not see Ola's unit; the laundry shown to Blokk A's residents is not his either.
    const per = (await e2e.login('per@solbakken.example')).accessToken;
    expect(codes(await e2e.gql(REQUEST, { id: olasRequest }, per))).toEqual(['NOT_FOUND']);
  });

  it("serves a photo's signed link through the gateway's operations-files prefix, and refuses a tampered one", async () => {
    const added = await addPhoto(tokens.resident, olasRequest);
    expect(added.url.startsWith(`${new URL(e2e.stack.gatewayUrl).origin}/operations-files/${added.id}/original?`)).toBe(true);
    const served = await fetch(added.url);
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toBe('image/png');
    expect((await fetch(added.url.replace('/original?', '/thumbnail?'))).status).toBe(403);
    expect((await fetch(added.url, { method: 'POST' })).status).toBe(404);
  });

  it('gives the board the figures and a CSV for Excel with the requests reported, and refuses a period over 366 days on `to`', async () => {
    const figures = await setupStep<{ serviceRequestReport: { total: number; csv: string } }>(e2e, tokens.board, FIGURES, thisYear());
    expect(figures.serviceRequestReport.total).toBeGreaterThan(0);
    const lines = figures.serviceRequestReport.csv.split('\r\n');
    expect(lines[0]).toMatch(/^\uFEFFMeldt;Kategori;Status;Hastegrad;Tittel;Sted;Først mottatt;Først løst;/);
    expect(lines.find((line) => line.endsWith(olasRequest))).toContain(';Rørlegger;');
    const tooLong = await e2e.gql(FIGURES, { from: '2025-01-01', to: '2026-01-02' }, tokens.board);
    expect(tooLong.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'to' });
  });

  it('works for Fjordly once an operator turns the add-on on, and not after it is turned off', async () => {
    const operator = tokens['platform operator'];
    const eva = tokens['other association'];
    const toggle = (on: boolean) =>
      setupStep(
        e2e,
        operator,
        on
          ? 'mutation ($i: EnableFeatureInput!) { enableFeature(input: $i) { subscription { id } } }'
          : 'mutation ($i: DisableFeatureInput!) { disableFeature(input: $i) { subscription { id } } }',
        { i: { associationId: DEMO.fjordly, feature: 'operationsCenter', ...(on ? {} : { reason: 'e2e' }) } },
      );
    expect(codes(await e2e.gql(LIST, {}, eva))).toEqual(['FEATURE_NOT_SUBSCRIBED']);
    await toggle(true);
    const on = await e2e.gql<{ serviceRequests: { nodes: { id: string }[] } }>(LIST, {}, eva);
    expect(on.errors).toBeUndefined();
    // Fjordly sees none of Solbakken's requests, and Solbakken's id is NOT_FOUND there.
    expect(on.data!.serviceRequests.nodes).toEqual([]);
    expect(codes(await e2e.gql(REQUEST, { id: olasRequest }, eva))).toEqual(['NOT_FOUND']);
    // Subscribed now, Fjordly's board changes nothing of Solbakken's with its ids: every mutation is NOT_FOUND.
    const photoId = (await addPhoto(tokens.resident, olasRequest)).id;
    const statusOf = async () =>
      (await e2e.gql<{ serviceRequest: { status: string } }>(REQUEST, { id: olasRequest }, tokens.board)).data!.serviceRequest.status;
    const before = await statusOf();
    const foreign = {
      changeServiceRequestStatus: await e2e.gql(CHANGE, { i: { id: olasRequest, status: 'ACKNOWLEDGED' } }, eva),
      setServiceRequestVisibility: await e2e.gql(VISIBILITY, { i: { id: olasRequest, visibleToResidents: true } }, eva),
      addServiceRequestPhoto: await e2e.gql(ADD_PHOTO, photo(olasRequest), eva),
      removeServiceRequestPhoto: await e2e.gql(REMOVE_PHOTO, { id: photoId }, eva),
      assignServiceRequest: await e2e.gql(
        'mutation ($i: AssignServiceRequestInput!) { assignServiceRequest(input: $i) { id } }',
        { i: { requestId: olasRequest, assigneeMemberId: DEMO.eva } },
        eva,
      ),
      commentOnServiceRequest: await e2e.gql(
        'mutation ($i: CommentOnServiceRequestInput!) { commentOnServiceRequest(input: $i) { id } }',
        { i: { requestId: olasRequest, body: 'Fra Fjordly', visibility: 'INTERNAL' } },
        eva,
      ),
    };
    expect(Object.fromEntries(Object.entries(foreign).map(([name, response]) => [name, codes(response)]))).toEqual({
      changeServiceRequestStatus: ['NOT_FOUND'],
      setServiceRequestVisibility: ['NOT_FOUND'],
      addServiceRequestPhoto: ['NOT_FOUND'],
      removeServiceRequestPhoto: ['NOT_FOUND'],
      assignServiceRequest: ['NOT_FOUND'],
      commentOnServiceRequest: ['NOT_FOUND'],
    });
    expect(await statusOf()).toBe(before);
    await toggle(false);
    expect(codes(await e2e.gql(LIST, {}, eva))).toEqual(['FEATURE_NOT_SUBSCRIBED']);
  });

  it('is blocked for non-payment with every row intact, and back the moment it is paid', async () => {
    const operator = tokens['platform operator'];
    const today = todayIn('Europe/Oslo');
    const day = (days: number) => DateTime.fromISO(today, { zone: 'Europe/Oslo' }).plus({ days, hours: 12 }).toJSDate();
    const sweepOn = (days: number) => new BillingSweeps(e2e.stack.billing.sweepsRepository, e2e.store, { blockAfterDays: 3, now: () => day(days) }).sweep();
    // Solbakken's rows in every table of the operations schema that has an association, read from the catalogue.
    const rows = async () =>
      e2e.stack.operations.db.system(async (tx) => {
        const tables = (
          (await tx.execute(sql`select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
              join pg_attribute a on a.attrelid = c.oid and a.attname = 'association_id' and not a.attisdropped
              where n.nspname = 'operations' and c.relkind = 'r' and c.relname not in ('outbox', 'dead_letters') order by c.relname`)) as {
            rows: { name: string }[];
          }
        ).rows.map((row) => row.name);
        const counts: Record<string, number> = {};
        for (const table of tables) {
          const counted = (await tx.execute(
            sql`select count(*)::int as n from ${sql.identifier('operations')}.${sql.identifier(table)} where association_id = ${DEMO.solbakken}::uuid`,
          )) as { rows: { n: number }[] };
          counts[table] = counted.rows[0]!.n;
        }
        return counts;
      });
    // Turned off and on again, the add-on starts a new period invoiced today (the demo's is paid up).
    for (const [mutation, input] of [
      ['mutation ($i: DisableFeatureInput!) { disableFeature(input: $i) { subscription { id } } }', { feature: 'operationsCenter', reason: 'e2e' }],
      ['mutation ($i: EnableFeatureInput!) { enableFeature(input: $i) { subscription { id } } }', { feature: 'operationsCenter' }],
    ] as const) {
      await setupStep(e2e, operator, mutation, { i: { associationId: DEMO.solbakken, ...input } });
    }
    const before = await rows();
    expect(Object.keys(before).length).toBeGreaterThanOrEqual(9);
    expect(before.service_requests).toBeGreaterThan(0);
    await sweepOn(15);
    expect(codes(await e2e.gql(LIST, {}, tokens.board))).toEqual([]);
    await sweepOn(18);
    for (const token of [tokens.board, tokens.resident]) {
      const blocked = await e2e.gql(REQUEST, { id: olasRequest }, token);
      expect(blocked.status).toBe(403);
      expect(blocked.errors).toEqual([
        expect.objectContaining({ extensions: expect.objectContaining({ code: 'FEATURE_NOT_SUBSCRIBED', feature: 'operationsCenter' }) }),
      ]);
    }
    expect(codes(await e2e.gql(REPORT, { i: commonArea() }, tokens.resident))).toEqual(['FEATURE_NOT_SUBSCRIBED']);
    expect(codes(await e2e.gql(FIGURES, thisYear(), tokens.board))).toEqual(['FEATURE_NOT_SUBSCRIBED']);
    expect(await rows()).toEqual(before);

    const invoices = await setupStep<{ association: { invoices: { nodes: { id: string; feature: { key: string }; status: string }[] } } }>(
      e2e,
      tokens.board,
      'query ($id: ID!) { association(id: $id) { invoices(first: 10) { nodes { id feature { key } status } } } }',
      { id: DEMO.solbakken },
    );
    const unpaid = invoices.association.invoices.nodes.find((invoice) => invoice.feature.key === 'operationsCenter' && invoice.status !== 'PAID')!;
    await setupStep(e2e, operator, 'mutation ($i: MarkInvoicePaidInput!) { markInvoicePaid(input: $i) { invoice { status } } }', {
      i: { invoiceId: unpaid.id, paidOn: today },
    });
    const back = await setupStep<{ serviceRequest: { id: string; status: string } }>(e2e, tokens.resident, REQUEST, { id: olasRequest });
    expect(back.serviceRequest).toMatchObject({ id: olasRequest, status: 'ACKNOWLEDGED' });
    expect(await rows()).toEqual(before);
  });

  it('lets an operator in a support session read what the board reads, and change nothing', async () => {
    const opened = await setupStep<{ openSupportSession: { accessToken: string } }>(
      e2e,
      tokens['platform operator'],
      'mutation ($i: OpenSupportSessionInput!) { openSupportSession(input: $i) { accessToken } }',
      { i: { associationId: DEMO.solbakken, reason: 'Styret ber om hjelp med en feilmelding', minutes: 15 } },
    );
    const support = opened.openSupportSession.accessToken;
    const list = await e2e.gql<{ serviceRequests: { nodes: { id: string }[] } }>(LIST, {}, support);
    expect(list.errors).toBeUndefined();
    expect(list.data!.serviceRequests.nodes.length).toBeGreaterThan(0);
    const fresh = await report(tokens.resident, commonArea());
    expect(codes(await e2e.gql(CHANGE, { i: { id: fresh, status: 'ACKNOWLEDGED' } }, support))).toEqual(['FORBIDDEN']);
    expect(codes(await e2e.gql(REPORT, { i: commonArea() }, support))).toEqual(['FORBIDDEN']);
    expect(codes(await e2e.gql(ADD_PHOTO, photo(olasRequest), support))).toEqual(['FORBIDDEN']);
  });

  it("shows the demo's party-room request to the booker of the booking it is linked to", async () => {
    const aase = (await e2e.login('aase@solbakken.example')).accessToken;
    const mine = await setupStep<{ myServiceRequests: { nodes: { title: string; booking: { id: string } | null }[] } }>(
      e2e,
      aase,
      '{ myServiceRequests(first: 20) { nodes { title booking { id } } } }',
    );
    const linked = mine.myServiceRequests.nodes.filter((node) => node.booking);
    expect(linked.map((node) => node.title)).toEqual(['Oppvaskmaskinen i selskapslokalet lekker']);
  });
});
