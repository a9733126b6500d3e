import { randomUUID } from 'node:crypto';
import {
  closeFastStore,
  isUuid,
  PRIVACY_ERASE_ASSOCIATION_ROUTE,
  PRIVACY_ERASE_ROUTE,
  PRIVACY_EXPORT_ROUTE,
  type FastStore,
  type MemberHome,
  type MemberHomes,
  type MemberReferences,
  type MemberViewer,
  type PrivacyExportAnswer,
  type ReferenceIds,
  type RequestContext,
  routeFailure,
  type Viewer,
} from '@tunet/kit';
import { openTestDatabase, openTestRedis, viewerIn, type TestDatabase } from '@tunet/kit/src/kit.fixtures';
import { sql } from 'drizzle-orm';
import type { GraphQLError } from 'graphql';
import { OPERATIONS_FEATURE } from '../feature';
import type { ServiceRequestStatus } from '../tables';
import { ERASED_DESCRIPTION, ERASED_TITLE } from '../privacy/privacy.repository';
import { createOperationsSubgraph, type OperationsSubgraph } from '../subgraph';
import { loadDemoServiceRequests } from './service-requests.demo';
import type { ReportInput } from './service-requests.service';

const SOLBAKKEN = randomUUID();
const FJORDLY = randomUUID();
const BLOKK_A = randomUUID();
const BLOKK_B = randomUUID();
const OLA_UNIT = randomUUID();

/** Members as a test arranges them: buildings per association, and each member's homes today. */
class ArrangedMembers implements MemberReferences, MemberHomes {
  readonly buildings = new Map<string, string[]>([
    [SOLBAKKEN, [BLOKK_A, BLOKK_B]],
    [FJORDLY, [randomUUID()]],
  ]);
  readonly homes = new Map<string, MemberHome[]>();

  existing(associationId: string, references: Partial<ReferenceIds>): Promise<ReferenceIds> {
    // As members' route: a malformed id is a 400, which the kit's client turns into a plain Error.
    if (Object.values(references).some((ids) => ids?.some((id) => !isUuid(id)))) return Promise.reject(routeFailure('references/existing', 400));
    const known = this.buildings.get(associationId) ?? [];
    return Promise.resolve({ memberIds: [], committeeIds: [], unitIds: [], buildingIds: (references.buildingIds ?? []).filter((id) => known.includes(id)) });
  }

  homesOf(associationId: string, memberId: string): Promise<MemberHome[]> {
    return Promise.resolve(associationId === SOLBAKKEN ? (this.homes.get(memberId) ?? []) : []);
  }
}

const subscribed = (viewer: Viewer | null, features = [OPERATIONS_FEATURE]): RequestContext => ({
  viewer,
  requestId: 'test',
  clientIp: '127.0.0.1',
  entitlements: viewer?.associationId ? { associationId: viewer.associationId, features: ['base', ...features], limits: {} } : null,
});

async function refusal(promise: Promise<unknown>): Promise<GraphQLError['extensions'] | null> {
  try {
    await promise;
    return null;
  } catch (error) {
    return (error as GraphQLError).extensions ?? { message: String(error) };
  }
}

describe('service requests', () => {
  let database: TestDatabase;
  let store: FastStore;
  let operations: OperationsSubgraph;
  const members = new ArrangedMembers();
  let now = new Date('2026-12-07T09:00:00Z');
  const ola: MemberViewer = viewerIn(SOLBAKKEN, 'resident', { unitIds: [OLA_UNIT], buildingIds: [BLOKK_A] });
  const neighbour = viewerIn(SOLBAKKEN, 'resident', { buildingIds: [BLOKK_A] });
  const blokkB = viewerIn(SOLBAKKEN, 'resident', { buildingIds: [BLOKK_B] });
  const kari = viewerIn(SOLBAKKEN, 'board');
  const kari2 = { ...viewerIn(SOLBAKKEN, 'board') };
  const caretaker = viewerIn(SOLBAKKEN, 'external');
  const eva = viewerIn(FJORDLY, 'board');
  const leak: ReportInput = {
    category: 'plumbing',
    location: { kind: 'unit', unitId: OLA_UNIT },
    title: 'Lekker under vasken',
    description: 'Det drypper fra avløpet under kjøkkenvasken, og skapet er vått.',
    urgency: 'urgent',
    urgentReason: 'water_leak',
  };
  const service = () => operations.serviceRequests;
  /** Bookings by id: who booked it, in which association. */
  const bookings = new Map<string, Record<string, string>>();
  const eventsOf = (associationId: string) =>
    operations.db.tenant(associationId, async (tx) => {
      const result = (await tx.execute(sql`select topic, payload from operations.outbox where association_id = ${associationId} order by id`)) as {
        rows: { topic: string; payload: Record<string, unknown> }[];
      };
      return result.rows;
    });

  beforeAll(async () => {
    database = await openTestDatabase();
    store = await openTestRedis();
    members.homes.set(ola.memberId, [{ unitId: OLA_UNIT, buildingId: BLOKK_A }]);
    operations = await createOperationsSubgraph({
      database: database.connection,
      store,
      internalSecret: 'service-requests-test-secret-service-requests-test',
      subgraphUrls: () => ({}),
      now: () => now,
      memberReferences: members,
      memberHomes: members,
      // Reservations' bookings as the test arranges them (decision 0041 addendum "links").
      bookingBookers: { bookerOf: (associationId, id) => Promise.resolve(bookings.get(id)?.[associationId] ?? null) },
    });
    await operations.migrate();
  }, 120_000);
  afterAll(async () => {
    await closeFastStore(store);
    await database.drop();
  });

  it('reads nothing without the add-on: FEATURE_NOT_SUBSCRIBED before any statement, also for a signed call past the gateway', async () => {
    const before = operations.db.queryCount;
    expect(await refusal(service().report(subscribed(ola, []), leak))).toMatchObject({ code: 'FEATURE_NOT_SUBSCRIBED', feature: OPERATIONS_FEATURE });
    expect(await refusal(service().list(subscribed(kari, []), {}))).toMatchObject({ code: 'FEATURE_NOT_SUBSCRIBED' });
    expect(await refusal(service().get(subscribed(kari, []), randomUUID()))).toMatchObject({ code: 'FEATURE_NOT_SUBSCRIBED' });
    // Entitlements of another association name the feature, not this one's.
    const borrowed = { ...subscribed(kari), entitlements: { associationId: FJORDLY, features: ['base', OPERATIONS_FEATURE], limits: {} } };
    expect(await refusal(service().list(borrowed, {}))).toMatchObject({ code: 'FEATURE_NOT_SUBSCRIBED' });
    expect(await refusal(service().list({ ...subscribed(kari), entitlements: null }, {}))).toMatchObject({ code: 'FEATURE_NOT_SUBSCRIBED' });
    expect(await refusal(service().list(subscribed(null), {}))).toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(operations.db.queryCount).toBe(before);
  });

  it('takes a report about the reporter’s own unit only, a building of the association, and a common area with its place', async () => {
    const reported = await service().report(subscribed(ola), leak);
    expect(reported).toMatchObject({
      status: 'new',
      locationKind: 'unit',
      unitId: OLA_UNIT,
      buildingId: BLOKK_A,
      urgency: 'urgent',
      urgentReason: 'water_leak',
    });
    expect(await service().history(ola, reported)).toMatchObject([{ fromStatus: null, toStatus: 'new', actorMemberId: ola.memberId, actorKind: 'member' }]);
    expect(await refusal(service().report(subscribed(neighbour), leak))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'location.unitId' });
    expect(await refusal(service().report(subscribed(ola), { ...leak, visibleToResidents: true }))).toMatchObject({ field: 'visibleToResidents' });
    const elsewhere = {
      ...leak,
      urgency: 'normal' as const,
      urgentReason: null,
      location: { kind: 'building' as const, buildingId: members.buildings.get(FJORDLY)![0] },
    };
    expect(await refusal(service().report(subscribed(ola), elsewhere))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'location.buildingId' });
    const laundry = await service().report(subscribed(ola), {
      ...elsewhere,
      category: 'common_areas',
      location: { kind: 'common_area', buildingId: BLOKK_A, place: ' Vaskeriet ' },
      visibleToResidents: true,
    });
    expect(laundry).toMatchObject({ locationKind: 'common_area', buildingId: BLOKK_A, place: 'Vaskeriet', visibleToResidents: true });
    expect(await refusal(service().report(subscribed(caretaker), elsewhere))).toMatchObject({ code: 'FORBIDDEN' });
  });

  it('refuses a malformed building or unit id as BAD_USER_INPUT on its field, before members is asked', async () => {
    const at = (location: ReportInput['location']) => service().report(subscribed(ola), { ...leak, urgency: 'normal', urgentReason: null, location });
    expect(await refusal(at({ kind: 'building', buildingId: 'blokk-a' }))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'location.buildingId' });
    expect(await refusal(at({ kind: 'common_area', buildingId: '../../x', place: 'Gården' }))).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'location.buildingId',
    });
    expect(await refusal(at({ kind: 'unit', unitId: 'not-a-uuid' }))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'location.unitId' });
  });

  it('tells the board of each report by event, in its transaction: title, category, urgency and place kind, no description', async () => {
    const before = (await eventsOf(SOLBAKKEN)).length;
    const reported = await service().report(subscribed(ola), leak);
    const events = (await eventsOf(SOLBAKKEN)).slice(before);
    expect(events).toEqual([
      {
        topic: 'service_request.reported',
        payload: { requestId: reported.id, reporterMemberId: ola.memberId, title: leak.title, category: 'plumbing', urgency: 'urgent', locationKind: 'unit' },
      },
    ]);
    expect(JSON.stringify(events)).not.toContain('avløpet');
    // A refused report writes nothing.
    expect(await refusal(service().report(subscribed(neighbour), leak))).toMatchObject({ field: 'location.unitId' });
    expect(await eventsOf(SOLBAKKEN)).toHaveLength(before + 1);
  });

  it('moves along the workflow with its history, tells the reporter by event without the description, and refuses the rest', async () => {
    const reported = await service().report(subscribed(ola), { ...leak, title: 'Radiator kald', urgentReason: 'no_heat' });
    const move = (viewer: Viewer, status: ServiceRequestStatus, reason?: string) =>
      service().changeStatus(subscribed(viewer), { id: reported.id, status, reason });
    expect(await refusal(move(ola, 'acknowledged'))).toMatchObject({ code: 'FORBIDDEN' });
    expect(await refusal(move(kari, 'resolved'))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'status', allowed: ['ACKNOWLEDGED', 'REJECTED'] });
    expect(await refusal(move(eva, 'acknowledged'))).toMatchObject({ code: 'NOT_FOUND' });
    now = new Date('2026-12-07T10:00:00Z');
    expect(await move(kari, 'acknowledged')).toMatchObject({ status: 'acknowledged', acknowledgedAt: now });
    await move(kari, 'in_progress');
    await move(kari, 'waiting');
    await move(kari, 'in_progress');
    now = new Date('2026-12-08T10:00:00Z');
    expect(await move(kari, 'resolved')).toMatchObject({ status: 'resolved', resolvedAt: now });
    now = new Date('2026-12-20T10:00:00Z');
    expect(await move(ola, 'in_progress', 'Fortsatt kald')).toMatchObject({ status: 'in_progress' });
    await move(kari, 'resolved');
    now = new Date('2027-01-04T10:00:01Z');
    expect(await refusal(move(ola, 'in_progress'))).toMatchObject({ field: 'status', allowed: ['CLOSED'] });
    expect(await move(ola, 'closed')).toMatchObject({ status: 'closed', closedAt: now });
    const history = await service().history(ola, reported);
    expect(history.map((h) => `${h.fromStatus}>${h.toStatus}`)).toEqual([
      'null>new',
      'new>acknowledged',
      'acknowledged>in_progress',
      'in_progress>waiting',
      'waiting>in_progress',
      'in_progress>resolved',
      'resolved>in_progress',
      'in_progress>resolved',
      'resolved>closed',
    ]);
    expect(history[6]).toMatchObject({ actorMemberId: ola.memberId, reason: 'Fortsatt kald' });
    const events = (await eventsOf(SOLBAKKEN)).filter((e) => e.topic === 'service_request.status_changed' && e.payload.requestId === reported.id);
    expect(events).toHaveLength(8);
    expect(events[0]!.payload).toEqual({
      requestId: reported.id,
      reporterMemberId: ola.memberId,
      actorMemberId: kari.memberId,
      from: 'new',
      to: 'acknowledged',
      title: 'Radiator kald',
      reason: null,
      at: '2026-12-07T10:00:00.000Z',
    });
    expect(JSON.stringify(events)).not.toContain('avløpet');
  });

  it('rejects with a reason the reporter reads, and decides two changes at once one after the other', async () => {
    const reported = await service().report(subscribed(ola), { ...leak, title: 'Dobbel' });
    expect(await refusal(service().changeStatus(subscribed(kari), { id: reported.id, status: 'rejected' }))).toMatchObject({ field: 'reason' });
    await service().changeStatus(subscribed(kari), { id: reported.id, status: 'acknowledged' });
    const both = await Promise.allSettled([
      service().changeStatus(subscribed(kari), { id: reported.id, status: 'in_progress' }),
      service().changeStatus(subscribed(kari2), { id: reported.id, status: 'in_progress' }),
    ]);
    expect(both.map((outcome) => outcome.status).sort()).toEqual(['fulfilled', 'rejected']);
    const rejected = await service().changeStatus(subscribed(kari), { id: reported.id, status: 'rejected', reason: 'Beboers eget ansvar.' });
    expect(rejected).toMatchObject({ status: 'rejected', rejectionReason: 'Beboers eget ansvar.' });
    const [event] = (await eventsOf(SOLBAKKEN)).filter((e) => e.payload.requestId === reported.id && e.payload.to === 'rejected');
    expect(event!.payload.reason).toBe('Beboers eget ansvar.');
    expect(await refusal(service().changeStatus(subscribed(kari), { id: reported.id, status: 'in_progress' }))).toMatchObject({ allowed: [] });
  });

  it('lists: the board every request, a resident their own and what is shown in their building, newest first in pages', async () => {
    const all = await service().list(subscribed(kari), { first: 100 });
    const mine = await service().mine(subscribed(ola), { first: 100 });
    expect(mine.nodes.length).toBe(all.nodes.length);
    const seenByNeighbour = await service().list(subscribed(neighbour), {});
    expect(seenByNeighbour.nodes.map((r) => r.place)).toEqual(['Vaskeriet']);
    expect(service().seesDetails(neighbour, seenByNeighbour.nodes[0]!)).toBe(false);
    expect((await service().list(subscribed(blokkB), {})).nodes).toEqual([]);
    expect((await service().list(subscribed(eva), {})).nodes).toEqual([]);
    expect(await refusal(service().list(subscribed(caretaker), {}))).toMatchObject({ code: 'FORBIDDEN' });
    const closed = await service().list(subscribed(kari), { status: ['closed', 'rejected'] });
    expect(closed.nodes.map((r) => r.status).sort()).toEqual(['closed', 'rejected']);
    const pages: string[] = [];
    let after: string | null = null;
    do {
      const page = await service().list(subscribed(kari), { first: 2, after });
      pages.push(...page.nodes.map((r) => r.id));
      after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
    } while (after);
    expect(pages).toEqual(all.nodes.map((r) => r.id));
    expect(await refusal(service().list(subscribed(kari), { after: 'bm90IGEgY3Vyc29y' }))).toMatchObject({ field: 'after' });
  });

  it('exports and erases a reporter through the privacy routes: requests stay with the tombstone, their words only if kept', async () => {
    const routes = operations.definition.internalRoutes!;
    const process: RequestContext = { viewer: null, requestId: 'privacy', clientIp: '' };
    const subject = { requestId: randomUUID(), associationId: SOLBAKKEN, memberId: ola.memberId };
    const exported = (await routes[PRIVACY_EXPORT_ROUTE]!({ kind: 'privacy.export', ...subject }, process)) as PrivacyExportAnswer;
    expect(exported.tables.service_requests!.length).toBeGreaterThanOrEqual(4);
    expect(exported.tables.service_request_status_changes!.length).toBeGreaterThan(0);
    const tombstone = randomUUID();
    const policy = { keepContent: [], tombstoneMemberId: tombstone, reason: 'request' as const };
    await routes[PRIVACY_ERASE_ROUTE]!({ kind: 'privacy.erase', ...subject, policy }, process);
    const left = await service().list(subscribed(kari), { first: 100 });
    expect(left.nodes.filter((r) => r.reporterMemberId === ola.memberId)).toEqual([]);
    const former = left.nodes.filter((r) => r.reporterMemberId === tombstone);
    expect(former.length).toBe(exported.tables.service_requests!.length);
    expect(new Set(former.map((r) => `${r.title}|${r.description}`))).toEqual(new Set([`${ERASED_TITLE}|${ERASED_DESCRIPTION}`]));
    const again = (await routes[PRIVACY_EXPORT_ROUTE]!({ kind: 'privacy.export', ...subject }, process)) as PrivacyExportAnswer;
    expect(Object.values(again.tables).flat()).toEqual([]);
    const eraseFjordly = { kind: 'privacy.erase-association', requestId: randomUUID(), associationId: FJORDLY };
    await routes[PRIVACY_ERASE_ASSOCIATION_ROUTE]!(eraseFjordly, process);
    expect((await service().list(subscribed(kari), { first: 100 })).nodes.length).toBe(left.nodes.length);
  });

  it('links a request to a booking: the board only, a booking of the association only; the booker sees it read-only, another resident not', async () => {
    const reporter = viewerIn(SOLBAKKEN, 'resident', { buildingIds: [BLOKK_A] });
    const booker = viewerIn(SOLBAKKEN, 'resident', { buildingIds: [BLOKK_B] });
    const partyRoom = randomUUID();
    const fjordlyBooking = randomUUID();
    bookings.set(partyRoom, { [SOLBAKKEN]: booker.memberId });
    bookings.set(fjordlyBooking, { [FJORDLY]: randomUUID() });
    const damage = await service().report(subscribed(reporter), {
      category: 'common_areas',
      location: { kind: 'building', buildingId: BLOKK_A },
      title: 'Brent merke i bordplaten',
      description: 'Etter festen lørdag er det et brent merke i bordplaten i selskapslokalet.',
    });
    const links = operations.bookingLinks;
    // Another association's booking, an unknown one, a malformed id: NOT_FOUND, nothing linked.
    for (const bookingId of [fjordlyBooking, randomUUID(), 'party-room']) {
      expect(await refusal(links.link(subscribed(kari), { requestId: damage.id, bookingId }))).toMatchObject({ code: 'NOT_FOUND' });
    }
    // Another association's board, with a booking of its own: Solbakken's request is not theirs.
    expect(await refusal(links.link(subscribed(eva), { requestId: damage.id, bookingId: fjordlyBooking }))).toMatchObject({ code: 'NOT_FOUND' });
    expect(await refusal(links.link(subscribed(kari, []), { requestId: damage.id, bookingId: partyRoom }))).toMatchObject({ code: 'FEATURE_NOT_SUBSCRIBED' });
    for (const viewer of [reporter, booker, caretaker]) {
      expect(await refusal(links.link(subscribed(viewer), { requestId: damage.id, bookingId: partyRoom }))).toMatchObject({ code: 'FORBIDDEN' });
    }
    expect(await refusal(service().get(subscribed(booker), damage.id))).toMatchObject({ code: 'NOT_FOUND' });

    const linked = await links.link(subscribed(kari), { requestId: damage.id, bookingId: partyRoom });
    expect(linked).toMatchObject({ bookingId: partyRoom, bookerMemberId: booker.memberId });
    // The booker: the request in their list and by id, the link, not the reporter, the words or the history.
    const seen = await service().get(subscribed(booker), damage.id);
    expect(links.bookingOf(booker, seen)).toEqual({ id: partyRoom });
    expect(service().seesDetails(booker, seen)).toBe(false);
    expect(await service().history(booker, seen)).toEqual([]);
    expect((await service().mine(subscribed(booker), {})).nodes.map((r) => r.id)).toEqual([damage.id]);
    expect(await refusal(service().changeStatus(subscribed(booker), { id: damage.id, status: 'acknowledged' }))).toMatchObject({ code: 'FORBIDDEN' });
    // The board, the reporter see the link; a resident who is not the booker sees neither the request nor the link.
    expect(links.bookingOf(kari, linked)).toEqual({ id: partyRoom });
    expect(links.bookingOf(reporter, linked)).toEqual({ id: partyRoom });
    expect(links.bookingOf(blokkB, linked)).toBeNull();
    expect(await refusal(service().get(subscribed(blokkB), damage.id))).toMatchObject({ code: 'NOT_FOUND' });
    expect((await service().list(subscribed(blokkB), { first: 100 })).nodes.map((r) => r.id)).not.toContain(damage.id);

    // The booker's export names the link, not the reporter's words; their erasure takes them off it.
    const routes = operations.definition.internalRoutes!;
    const process: RequestContext = { viewer: null, requestId: 'privacy', clientIp: '' };
    const subject = { requestId: randomUUID(), associationId: SOLBAKKEN, memberId: booker.memberId };
    const exported = (await routes[PRIVACY_EXPORT_ROUTE]!({ kind: 'privacy.export', ...subject }, process)) as PrivacyExportAnswer;
    expect(exported.tables.service_requests).toEqual([expect.objectContaining({ id: damage.id, booking_id: partyRoom, booker_member_id: booker.memberId })]);
    expect(exported.tables.service_requests![0]).not.toHaveProperty('description');
    expect(exported.tables.service_requests![0]).not.toHaveProperty('reporter_member_id');

    const unlinked = await links.unlink(subscribed(kari), { requestId: damage.id });
    expect(unlinked).toMatchObject({ bookingId: null, bookerMemberId: null });
    expect(await refusal(service().get(subscribed(booker), damage.id))).toMatchObject({ code: 'NOT_FOUND' });
    await links.link(subscribed(kari), { requestId: damage.id, bookingId: partyRoom });
    const policy = { keepContent: [], tombstoneMemberId: randomUUID(), reason: 'request' as const };
    await routes[PRIVACY_ERASE_ROUTE]!({ kind: 'privacy.erase', ...subject, policy }, process);
    expect(await service().get(subscribed(kari), damage.id)).toMatchObject({ bookingId: null, bookerMemberId: null, reporterMemberId: reporter.memberId });
  });

  it('takes 20 reports an hour from one member, then RATE_LIMITED with the wait, and the next member is not held up', async () => {
    const flooder = viewerIn(SOLBAKKEN, 'resident', { buildingIds: [BLOKK_B] });
    const shed = { ...leak, urgency: 'normal' as const, urgentReason: null, location: { kind: 'common_area' as const, place: 'Sykkelboden' } };
    for (let i = 0; i < 20; i++) await service().report(subscribed(flooder), { ...shed, title: `Melding ${i}` });
    expect(await refusal(service().report(subscribed(flooder), shed))).toMatchObject({ code: 'RATE_LIMITED', retryAfterSeconds: expect.any(Number) });
    expect(await service().report(subscribed(blokkB), shed)).toMatchObject({ status: 'new' });
  });

  it('loads the demo once: a request in every status, each history a path through the workflow', async () => {
    const demo = randomUUID();
    const home = (memberId: string) => ({ memberId, unitId: randomUUID(), buildingId: BLOKK_A });
    const people = { association: demo, board: randomUUID(), ola: home(randomUUID()), aase: home(randomUUID()) };
    expect(await loadDemoServiceRequests(operations.db, people, now)).toBe(true);
    expect(await loadDemoServiceRequests(operations.db, people, now)).toBe(false);
    const board = { ...viewerIn(demo, 'board'), memberId: people.board };
    const all = (await service().list(subscribed(board), { first: 100 })).nodes;
    expect(new Set(all.map((r) => r.status))).toEqual(new Set(['new', 'acknowledged', 'in_progress', 'waiting', 'resolved', 'closed', 'rejected']));
    for (const request of all) {
      const history = await service().history(board, request);
      expect(history[0]).toMatchObject({ fromStatus: null, toStatus: 'new' });
      expect(history.at(-1)!.toStatus).toBe(request.status);
    }
  });
});
