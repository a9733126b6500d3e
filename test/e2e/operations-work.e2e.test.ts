import { eventually } from '@tunet/kit/src/events/events.fixtures';
import { DEMO, DEMO_OPERATOR_EMAIL } from '@tunet/members';
import { accessTokens, codes, createApiKeySecret, matrixCaller, matrixTests, openE2E, setupStep, type E2E, type MatrixCall } from './e2e.fixtures';

/**
 * Work on service requests through the gateway (issue 15, decision 0042): assignment, comments and the rating, every
 * operation × every kind of caller; the caretaker sees exactly the requests assigned to them; an internal comment
 * never reaches the reporter, through any field or the notification inbox.
 */
const ACTORS = ['anonymous', 'resident', 'board', 'caretaker', 'other association', 'integrator', 'platform operator'] as const;
type Actor = (typeof ACTORS)[number];

const REPORT = 'mutation ($i: ReportServiceRequestInput!) { reportServiceRequest(input: $i) { id } }';
const CHANGE = 'mutation ($i: ChangeServiceRequestStatusInput!) { changeServiceRequestStatus(input: $i) { id status } }';
const ASSIGN = 'mutation ($i: AssignServiceRequestInput!) { assignServiceRequest(input: $i) { id assignee { id } assignedToMe } }';
const COMMENT = 'mutation ($i: CommentOnServiceRequestInput!) { commentOnServiceRequest(input: $i) { id visibility body author { id } } }';
const RATE = 'mutation ($i: RateServiceRequestInput!) { rateServiceRequest(input: $i) { score comment ratedAt } }';
const LINK = 'mutation ($i: LinkServiceRequestToBookingInput!) { linkServiceRequestToBooking(input: $i) { id booking { id } } }';
const UNLINK = 'mutation ($i: UnlinkServiceRequestFromBookingInput!) { unlinkServiceRequestFromBooking(input: $i) { id booking { id } } }';
const ASSIGNED = '{ assignedServiceRequests(first: 100) { nodes { id assignedToMe } pageInfo { hasNextPage } } }';
const REQUEST = `query ($id: ID!) { serviceRequest(id: $id) {
  id assignee { id } assignedToMe supplier { name contactName email phone } rating { score comment }
  comments(first: 100) { nodes { visibility body } }
} }`;

type Seen = {
  serviceRequest: {
    assignee: { id: string } | null;
    supplier: { name: string; contactName: string | null; email: string | null; phone: string | null } | null;
    comments: { nodes: { visibility: string; body: string }[] };
    rating: { score: number; comment: string | null } | null;
  };
};

describe('work on service requests through the gateway', () => {
  let e2e: E2E;
  let tokens: Record<Exclude<Actor, 'anonymous'>, string>;
  let call: MatrixCall<Actor>;
  let olaUnit: string;
  /** Ola's laundry booking in the demo: the booking the links point at. */
  let olaBooking: string;
  /** Every request assigned to the caretaker: the demo's, and those the board assigns in this file. */
  const assignedToJonas: string[] = [];

  const report = async (title = 'Lekker under vasken') =>
    (
      await setupStep<{ reportServiceRequest: { id: string } }>(e2e, tokens.resident, REPORT, {
        i: { category: 'PLUMBING', location: { kind: 'UNIT', unitId: olaUnit }, title, description: 'Det drypper fra avløpet.' },
      })
    ).reportServiceRequest.id;
  const assignToJonas = async (id: string, supplier: Record<string, string> | null = null) => {
    await setupStep(e2e, tokens.board, ASSIGN, { i: { requestId: id, assigneeMemberId: DEMO.jonas, supplier } });
    assignedToJonas.push(id);
    return id;
  };
  const resolve = async (id: string) => {
    for (const status of ['ACKNOWLEDGED', 'IN_PROGRESS', 'RESOLVED']) await setupStep(e2e, tokens.board, CHANGE, { i: { id, status } });
    return id;
  };

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
    olaUnit = (await e2e.stack.members.repositories.housing.tenuresOf(DEMO.solbakken, 'member', [DEMO.ola], true))[0]!.unitId;
    olaBooking = (await setupStep<{ myBookings: { nodes: { id: string }[] } }>(e2e, tokens.resident, '{ myBookings(first: 1) { nodes { id } } }')).myBookings
      .nodes[0]!.id;
    // The demo's caretaker has work already (the water leak and the radiator).
    const demo = await setupStep<{ assignedServiceRequests: { nodes: { id: string }[] } }>(e2e, tokens.caretaker, ASSIGNED);
    assignedToJonas.push(...demo.assignedServiceRequests.nodes.map((node) => node.id));
  }, 120_000);
  afterAll(() => e2e?.close());

  describe('access matrix', () => {
    // Ola reports at most 20 faults an hour (decision 0041): the matrix shares its requests where a cell cannot change them.
    let shared: Promise<string> | undefined;
    /** Ola's request assigned to the caretaker: the same one for every caller. */
    const assigned = () => (shared ??= report().then((id) => assignToJonas(id)));
    let partyRoom: Promise<string> | undefined;
    /** Ola's request about the party room (a request about a home is never linked: its booker would see it). */
    const aboutPartyRoom = () =>
      (partyRoom ??= setupStep<{ reportServiceRequest: { id: string } }>(e2e, tokens.resident, REPORT, {
        i: { category: 'COMMON_AREAS', location: { kind: 'COMMON_AREA', place: 'Selskapslokalet' }, title: 'Flekk på gulvet', description: 'Etter festen.' },
      }).then((reported) => reported.reportServiceRequest.id));
    let rateable: Promise<string> | undefined;
    /** A resolved request of Ola's assigned to the caretaker; only Ola's rating is taken, once. */
    const resolved = () =>
      (rateable ??= report()
        .then((id) => assignToJonas(id))
        .then(resolve));

    matrixTests(
      ACTORS,
      {
        assignedServiceRequests: (actor) => call(actor, ASSIGNED),
        // Assigning it to the caretaker again changes nothing, so every caller meets the same request.
        assignServiceRequest: async (actor) => call(actor, ASSIGN, { i: { requestId: await assigned(), assigneeMemberId: DEMO.jonas } }),
        commentOnServiceRequest: async (actor) => call(actor, COMMENT, { i: { requestId: await assigned(), body: `Kommentar fra ${actor}` } }),
        rateServiceRequest: async (actor) => call(actor, RATE, { i: { requestId: await resolved(), score: 5 } }),
        'ServiceRequest.comments': async (actor) => call(actor, REQUEST, { id: await assigned() }),
        // Linking the same request to the same booking again changes nothing; unlinking an unlinked one neither.
        linkServiceRequestToBooking: async (actor) => call(actor, LINK, { i: { requestId: await aboutPartyRoom(), bookingId: olaBooking } }),
        unlinkServiceRequestFromBooking: async (actor) => call(actor, UNLINK, { i: { requestId: await resolved() } }),
      },
      {
        // anonymous, resident, board, caretaker, other association, integrator, platform operator
        assignedServiceRequests: ['UNAUTHENTICATED', 'OK', 'OK', 'OK', 'FEATURE_NOT_SUBSCRIBED', 'FORBIDDEN', 'FORBIDDEN'],
        assignServiceRequest: ['UNAUTHENTICATED', 'FORBIDDEN', 'OK', 'FORBIDDEN', 'FEATURE_NOT_SUBSCRIBED', 'FORBIDDEN', 'FORBIDDEN'],
        commentOnServiceRequest: ['UNAUTHENTICATED', 'OK', 'OK', 'OK', 'FEATURE_NOT_SUBSCRIBED', 'FORBIDDEN', 'FORBIDDEN'],
        rateServiceRequest: ['UNAUTHENTICATED', 'OK', 'FORBIDDEN', 'FORBIDDEN', 'FEATURE_NOT_SUBSCRIBED', 'FORBIDDEN', 'FORBIDDEN'],
        'ServiceRequest.comments': ['UNAUTHENTICATED', 'OK', 'OK', 'OK', 'FEATURE_NOT_SUBSCRIBED', 'FORBIDDEN', 'FORBIDDEN'],
        linkServiceRequestToBooking: ['UNAUTHENTICATED', 'FORBIDDEN', 'OK', 'FORBIDDEN', 'FEATURE_NOT_SUBSCRIBED', 'FORBIDDEN', 'FORBIDDEN'],
        unlinkServiceRequestFromBooking: ['UNAUTHENTICATED', 'FORBIDDEN', 'OK', 'FORBIDDEN', 'FEATURE_NOT_SUBSCRIBED', 'FORBIDDEN', 'FORBIDDEN'],
      },
    );
  });

  it('the caretaker sees exactly the requests assigned to them; another association sees nothing', async () => {
    const theirs = await assignToJonas(await report('Tett sluk'));
    const notTheirs = await report('Knirkende dør');
    const listed = await setupStep<{ assignedServiceRequests: { nodes: { id: string; assignedToMe: boolean }[] } }>(e2e, tokens.caretaker, ASSIGNED);
    expect(listed.assignedServiceRequests.nodes.map((n) => n.id).sort()).toEqual([...new Set(assignedToJonas)].sort());
    expect(listed.assignedServiceRequests.nodes.every((n) => n.assignedToMe)).toBe(true);
    expect(codes(await e2e.gql(REQUEST, { id: theirs }, tokens.caretaker))).toEqual([]);
    expect(codes(await e2e.gql(REQUEST, { id: notTheirs }, tokens.caretaker))).toEqual(['NOT_FOUND']);
    // Assigning to a resident, or to Fjordly's member, is refused; Fjordly sees nothing of Solbakken's requests.
    const resident = await e2e.gql(ASSIGN, { i: { requestId: notTheirs, assigneeMemberId: DEMO.per } }, tokens.board);
    expect(resident.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'assigneeMemberId' });
    const foreign = await e2e.gql(ASSIGN, { i: { requestId: notTheirs, assigneeMemberId: DEMO.eva } }, tokens.board);
    expect(foreign.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'assigneeMemberId' });
    expect(codes(await e2e.gql(REQUEST, { id: theirs }, tokens['other association']))).toEqual(['FEATURE_NOT_SUBSCRIBED']);
    // Unassigned, the request is gone from the caretaker's view.
    await setupStep(e2e, tokens.board, ASSIGN, { i: { requestId: theirs, assigneeMemberId: null } });
    assignedToJonas.splice(assignedToJonas.indexOf(theirs), 1);
    expect(codes(await e2e.gql(REQUEST, { id: theirs }, tokens.caretaker))).toEqual(['NOT_FOUND']);
  });

  it('an internal comment and the supplier never reach the reporter: not in a field, not in the inbox', async () => {
    const id = await assignToJonas(await report('Fuktig bad'), { name: 'Rørlegger Hansen AS', contactName: 'Per Hansen', phone: '+47 22 33 44 55' });
    const secret = 'Beboeren har selv boret gjennom membranen';
    await setupStep(e2e, tokens.caretaker, COMMENT, { i: { requestId: id, visibility: 'INTERNAL', body: secret } });
    await setupStep(e2e, tokens.board, COMMENT, { i: { requestId: id, body: 'Rørleggeren kommer torsdag.' } });
    expect(codes(await e2e.gql(COMMENT, { i: { requestId: id, visibility: 'INTERNAL', body: 'Hei' } }, tokens.resident))).toEqual(['FORBIDDEN']);
    await setupStep(e2e, tokens.caretaker, CHANGE, { i: { id, status: 'ACKNOWLEDGED' } });

    const asOla = await setupStep<Seen>(e2e, tokens.resident, REQUEST, { id });
    expect(asOla.serviceRequest).toMatchObject({ assignee: { id: DEMO.jonas }, supplier: null });
    expect(asOla.serviceRequest.comments.nodes).toEqual([{ visibility: 'PUBLIC', body: 'Rørleggeren kommer torsdag.' }]);
    const asJonas = await setupStep<Seen>(e2e, tokens.caretaker, REQUEST, { id });
    expect(asJonas.serviceRequest.comments.nodes.map((c) => c.visibility)).toEqual(['INTERNAL', 'PUBLIC']);
    expect(asJonas.serviceRequest.supplier).toEqual({ name: 'Rørlegger Hansen AS', contactName: 'Per Hansen', email: null, phone: '+47 22 33 44 55' });

    type Inbox = { notifications: { nodes: { title: string; body: string; subjectId: string | null }[] } };
    const inbox = () => setupStep<Inbox>(e2e, tokens.resident, '{ notifications(first: 100) { nodes { title body subjectId } } }');
    await eventually(async () => expect((await inbox()).notifications.nodes.some((n) => n.subjectId === id)).toBe(true), 20_000);
    const told = (await inbox()).notifications.nodes.filter((n) => n.subjectId === id);
    expect(told).toEqual([expect.objectContaining({ title: 'Feilmelding mottatt: Fuktig bad' })]);
    expect(JSON.stringify((await inbox()).notifications)).not.toContain('membranen');
    expect(JSON.stringify(told)).not.toContain('Hansen');
    // The board hears of the report itself (service_request.reported), without its description; Ola above did not.
    const boardInbox = () => setupStep<Inbox>(e2e, tokens.board, '{ notifications(first: 100) { nodes { title body subjectId } } }');
    await eventually(async () => expect((await boardInbox()).notifications.nodes.some((n) => n.subjectId === id)).toBe(true), 20_000);
    const boardTold = (await boardInbox()).notifications.nodes.filter((n) => n.subjectId === id);
    expect(boardTold).toEqual([expect.objectContaining({ title: 'Ny feilmelding: Fuktig bad' })]);
    expect(JSON.stringify(boardTold)).not.toContain('avløpet');
  });

  it("the board reads the unit's number and the building's name through the request (members resolves the references)", async () => {
    const id = await report('Kran som drypper');
    const [unit] = await e2e.stack.members.repositories.housing.findUnits(DEMO.solbakken, [olaUnit]);
    const [building] = await e2e.stack.members.repositories.housing.findBuildings(DEMO.solbakken, [unit!.buildingId]);
    const seen = await setupStep<{ serviceRequest: { location: Record<string, unknown> } }>(
      e2e,
      tokens.board,
      'query ($id: ID!) { serviceRequest(id: $id) { location { unitId buildingId unit { id number building { name } } building { id name } } } }',
      { id },
    );
    expect(seen.serviceRequest.location).toEqual({
      unitId: olaUnit,
      buildingId: building!.id,
      unit: { id: olaUnit, number: unit!.number, building: { name: building!.name } },
      building: { id: building!.id, name: building!.name },
    });
  });

  it('the booker of a linked booking sees the request read-only, with the link, in myServiceRequests; not after unlinking', async () => {
    const damage = (
      await setupStep<{ reportServiceRequest: { id: string } }>(e2e, tokens.board, REPORT, {
        i: {
          category: 'COMMON_AREAS',
          location: { kind: 'COMMON_AREA', place: 'Vaskeriet' },
          title: 'Knust dør på tørketrommelen',
          description: 'Oppdaget etter vasketiden.',
        },
      })
    ).reportServiceRequest.id;
    const SEEN = 'query ($id: ID!) { serviceRequest(id: $id) { id description reporter { id } booking { id } } }';
    const MINE = '{ myServiceRequests(first: 100) { nodes { id } } }';
    expect(codes(await e2e.gql(SEEN, { id: damage }, tokens.resident))).toEqual(['NOT_FOUND']);
    const other = await e2e.gql(LINK, { i: { requestId: damage, bookingId: '00000000-0000-4000-8000-000000000000' } }, tokens.board);
    expect(codes(other)).toEqual(['NOT_FOUND']);
    // A request about Ola's own unit is never linked: the booker would see someone's home.
    const home = await e2e.gql(LINK, { i: { requestId: await report('Fukt i gangen'), bookingId: olaBooking } }, tokens.board);
    expect(home.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'requestId' });
    await setupStep(e2e, tokens.board, LINK, { i: { requestId: damage, bookingId: olaBooking } });
    expect((await setupStep<{ serviceRequest: unknown }>(e2e, tokens.resident, SEEN, { id: damage })).serviceRequest).toEqual({
      id: damage,
      description: null,
      reporter: null,
      booking: { id: olaBooking },
    });
    expect(
      (await setupStep<{ myServiceRequests: { nodes: { id: string }[] } }>(e2e, tokens.resident, MINE)).myServiceRequests.nodes.map((n) => n.id),
    ).toContain(damage);
    expect(codes(await e2e.gql(CHANGE, { i: { id: damage, status: 'ACKNOWLEDGED' } }, tokens.resident))).toEqual(['FORBIDDEN']);
    await setupStep(e2e, tokens.board, UNLINK, { i: { requestId: damage } });
    expect(codes(await e2e.gql(SEEN, { id: damage }, tokens.resident))).toEqual(['NOT_FOUND']);
  });

  it('the reporter rates once, and the board and the caretaker read it', async () => {
    const id = await resolve(await assignToJonas(await report('Dørlås')));
    await setupStep(e2e, tokens.resident, RATE, { i: { requestId: id, score: 4, comment: 'Rask og ryddig' } });
    const again = await e2e.gql(RATE, { i: { requestId: id, score: 1 } }, tokens.resident);
    expect(codes(again)).toEqual(['CONFLICT']);
    for (const token of [tokens.board, tokens.caretaker, tokens.resident]) {
      expect((await setupStep<Seen>(e2e, token, REQUEST, { id })).serviceRequest.rating).toEqual({ score: 4, comment: 'Rask og ryddig' });
    }
  });
});
