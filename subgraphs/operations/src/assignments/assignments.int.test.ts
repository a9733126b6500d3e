import { randomUUID } from 'node:crypto';
import {
  closeFastStore,
  PRIVACY_ERASE_ROUTE,
  PRIVACY_EXPORT_ROUTE,
  type FastStore,
  type MemberHome,
  type MemberHomes,
  type MemberReferences,
  type MemberRole,
  type MemberRoles,
  type MemberRolesEntry,
  type MemberViewer,
  type PrivacyExportAnswer,
  type ReferenceIds,
  type RequestContext,
  type Viewer,
} from '@tunet/kit';
import { openTestDatabase, openTestRedis, viewerIn, type TestDatabase } from '@tunet/kit/src/kit.fixtures';
import { sql } from 'drizzle-orm';
import type { GraphQLError } from 'graphql';
import { OPERATIONS_FEATURE } from '../feature';
import type { ReportInput } from '../service-requests/service-requests.service';
import { createOperationsSubgraph, type OperationsSubgraph } from '../subgraph';
import type { ServiceRequestStatus } from '../tables';
import { COMMENTS_PER_HOUR, MAX_COMMENTS_PER_AUTHOR } from '../comments/comments.service';
import { loadDemoServiceRequests } from '../service-requests/service-requests.demo';
import { loadDemoWork } from './assignments.demo';
import { requestFieldLoaders } from '../request-fields.loaders';
import type { ServiceRequestRow } from '../service-requests/service-requests.repository';

/**
 * Work on service requests (decision 0042): assignment and the assignee's rights, comments PUBLIC and INTERNAL, the
 * reporter's rating. One database for the three, as they share the requests they work on.
 */
const SOLBAKKEN = randomUUID();
const FJORDLY = randomUUID();
const BLOKK_A = randomUUID();
const OLA_UNIT = randomUUID();

/** Members as the test arranges them: buildings, homes, and what each member is today. */
class ArrangedMembers implements MemberReferences, MemberHomes, MemberRoles {
  readonly homes = new Map<string, MemberHome[]>();
  readonly roles = new Map<string, { associationId: string; roles: MemberRole[]; suspended: boolean }>();

  existing(associationId: string, references: Partial<ReferenceIds>): Promise<ReferenceIds> {
    const buildings: string[] = associationId === SOLBAKKEN ? [BLOKK_A] : [];
    return Promise.resolve({
      memberIds: [],
      committeeIds: [],
      unitIds: [],
      buildingIds: (references.buildingIds ?? []).filter((id) => buildings.includes(id)),
    });
  }

  homesOf(associationId: string, memberId: string): Promise<MemberHome[]> {
    return Promise.resolve(associationId === SOLBAKKEN ? (this.homes.get(memberId) ?? []) : []);
  }

  rolesOf(associationId: string, memberIds: readonly string[]): Promise<MemberRolesEntry[]> {
    return Promise.resolve(
      memberIds.flatMap((memberId) => {
        const known = this.roles.get(memberId);
        return known && known.associationId === associationId ? [{ memberId, roles: known.roles, suspended: known.suspended }] : [];
      }),
    );
  }

  is(viewer: MemberViewer, roles: MemberRole[] = [viewer.role], suspended = false): MemberViewer {
    this.roles.set(viewer.memberId, { associationId: viewer.associationId, roles, suspended });
    return viewer;
  }
}

const subscribed = (viewer: Viewer | null): RequestContext => ({
  viewer,
  requestId: 'test',
  clientIp: '127.0.0.1',
  entitlements: viewer?.associationId ? { associationId: viewer.associationId, features: ['base', OPERATIONS_FEATURE], limits: {} } : null,
});

async function refusal(promise: Promise<unknown>): Promise<GraphQLError['extensions'] | null> {
  try {
    await promise;
    return null;
  } catch (error) {
    return (error as GraphQLError).extensions ?? { message: String(error) };
  }
}

describe('work on service requests', () => {
  let database: TestDatabase;
  let store: FastStore;
  let operations: OperationsSubgraph;
  const members = new ArrangedMembers();
  let now = new Date('2026-12-07T09:00:00Z');
  const ola = members.is(viewerIn(SOLBAKKEN, 'resident', { unitIds: [OLA_UNIT], buildingIds: [BLOKK_A] }));
  const neighbour = members.is(viewerIn(SOLBAKKEN, 'resident', { buildingIds: [BLOKK_A] }));
  const kari = members.is(viewerIn(SOLBAKKEN, 'board'), ['board', 'resident']);
  const jonas = members.is(viewerIn(SOLBAKKEN, 'external'));
  const otherCaretaker = members.is(viewerIn(SOLBAKKEN, 'external'));
  const suspendedCaretaker = members.is(viewerIn(SOLBAKKEN, 'external'), ['external'], true);
  const eva = members.is(viewerIn(FJORDLY, 'board'));
  const fjordlyCaretaker = members.is(viewerIn(FJORDLY, 'external'));
  const leak: ReportInput = {
    category: 'plumbing',
    location: { kind: 'unit', unitId: OLA_UNIT },
    title: 'Lekker under vasken',
    description: 'Det drypper fra avløpet under kjøkkenvasken.',
    urgency: 'urgent',
    urgentReason: 'water_leak',
  };
  const report = (input: Partial<ReportInput> = {}) => operations.serviceRequests.report(subscribed(ola), { ...leak, ...input });
  const move = (viewer: Viewer, id: string, status: ServiceRequestStatus, reason?: string) =>
    operations.serviceRequests.changeStatus(subscribed(viewer), { id, status, reason });
  const assign = (
    viewer: Viewer,
    requestId: string,
    to: { assigneeMemberId?: string | null; supplier?: Parameters<OperationsSubgraph['assignments']['assign']>[1]['supplier'] },
  ) => operations.assignments.assign(subscribed(viewer), { requestId, ...to });
  const comment = (viewer: Viewer, requestId: string, visibility: 'public' | 'internal', body: string) =>
    operations.comments.add(subscribed(viewer), { requestId, visibility, body });
  const commentsFor = async (viewer: Viewer, requestId: string) => {
    const row = await operations.serviceRequests.get(subscribed(viewer), requestId);
    return (await operations.comments.list(viewer, row, {})).nodes.map((c) => c.body);
  };
  const outbox = () =>
    operations.db.tenant(SOLBAKKEN, async (tx) => {
      const result = (await tx.execute(sql`select payload from operations.outbox where association_id = ${SOLBAKKEN}`)) as { rows: unknown[] };
      return JSON.stringify(result.rows);
    });

  beforeAll(async () => {
    database = await openTestDatabase();
    store = await openTestRedis();
    members.homes.set(ola.memberId, [{ unitId: OLA_UNIT, buildingId: BLOKK_A }]);
    operations = await createOperationsSubgraph({
      database: database.connection,
      store,
      internalSecret: 'assignments-test-secret-assignments-test-secret',
      subgraphUrls: () => ({}),
      now: () => now,
      memberReferences: members,
      memberHomes: members,
      memberRoles: members,
    });
    await operations.migrate();
  }, 120_000);
  afterAll(async () => {
    await closeFastStore(store);
    await database.drop();
  });

  describe('assignment', () => {
    it('the board assigns to a current caretaker or board member of the association, nobody else', async () => {
      const request = await report();
      expect(await refusal(assign(ola, request.id, { assigneeMemberId: jonas.memberId }))).toMatchObject({ code: 'FORBIDDEN' });
      expect(await refusal(assign(jonas, request.id, { assigneeMemberId: jonas.memberId }))).toMatchObject({ code: 'FORBIDDEN' });
      for (const who of [neighbour.memberId, suspendedCaretaker.memberId, fjordlyCaretaker.memberId, randomUUID(), 'jonas']) {
        expect(await refusal(assign(kari, request.id, { assigneeMemberId: who }))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'assigneeMemberId' });
      }
      expect(await refusal(assign(eva, request.id, { assigneeMemberId: fjordlyCaretaker.memberId }))).toMatchObject({ code: 'NOT_FOUND' });
      now = new Date('2026-12-07T10:00:00Z');
      expect(await assign(kari, request.id, { assigneeMemberId: jonas.memberId })).toMatchObject({ assigneeMemberId: jonas.memberId, assignedAt: now });
      expect(await assign(kari, request.id, { assigneeMemberId: kari.memberId })).toMatchObject({ assigneeMemberId: kari.memberId });
      // Each new assignee is told once, by an event with nothing but what they now see; the same one again tells nobody.
      await assign(kari, request.id, { assigneeMemberId: kari.memberId, supplier: { name: 'Rørlegger Hansen AS', phone: '22334455' } });
      await assign(kari, request.id, { assigneeMemberId: null });
      const assignedEvents = await operations.db.tenant(SOLBAKKEN, async (tx) => {
        const result = (await tx.execute(
          sql`select payload from operations.outbox where association_id = ${SOLBAKKEN} and topic = 'service_request.assigned' and payload->>'requestId' = ${request.id} order by id`,
        )) as { rows: { payload: Record<string, unknown> }[] };
        return result.rows.map((row) => row.payload);
      });
      expect(assignedEvents).toEqual([
        { requestId: request.id, assigneeMemberId: jonas.memberId, assignedByMemberId: kari.memberId, title: leak.title, urgency: 'urgent' },
        { requestId: request.id, assigneeMemberId: kari.memberId, assignedByMemberId: kari.memberId, title: leak.title, urgency: 'urgent' },
      ]);
    });

    it('the caretaker sees and works on exactly the requests assigned to them, and loses them when unassigned', async () => {
      const theirs = await report({ title: 'Tett sluk' });
      const notTheirs = await report({ title: 'Knirkende dør' });
      await assign(kari, theirs.id, { assigneeMemberId: jonas.memberId });
      const listed = async (viewer: Viewer) => (await operations.assignments.assignedToMe(subscribed(viewer), {})).nodes.map((r) => r.id);
      expect(await listed(jonas)).toContain(theirs.id);
      expect(await listed(jonas)).not.toContain(notTheirs.id);
      expect(await listed(otherCaretaker)).toEqual([]);
      expect(await listed(fjordlyCaretaker)).toEqual([]);
      expect(await operations.serviceRequests.get(subscribed(jonas), theirs.id)).toMatchObject({ id: theirs.id });
      expect(await refusal(operations.serviceRequests.get(subscribed(jonas), notTheirs.id))).toMatchObject({ code: 'NOT_FOUND' });
      expect(await refusal(operations.serviceRequests.get(subscribed(otherCaretaker), theirs.id))).toMatchObject({ code: 'NOT_FOUND' });
      expect(await refusal(operations.serviceRequests.get(subscribed(fjordlyCaretaker), theirs.id))).toMatchObject({ code: 'NOT_FOUND' });

      // The workflow as far as resolved; rejecting and closing stay the board's.
      expect(await move(jonas, theirs.id, 'acknowledged')).toMatchObject({ status: 'acknowledged' });
      await move(jonas, theirs.id, 'in_progress');
      await move(jonas, theirs.id, 'waiting');
      expect(await refusal(move(jonas, theirs.id, 'rejected', 'Ikke vårt ansvar'))).toMatchObject({ code: 'FORBIDDEN' });
      await move(jonas, theirs.id, 'in_progress');
      expect(await move(jonas, theirs.id, 'resolved')).toMatchObject({ status: 'resolved' });
      expect(await refusal(move(jonas, theirs.id, 'closed'))).toMatchObject({ code: 'FORBIDDEN' });
      expect(await refusal(move(otherCaretaker, notTheirs.id, 'acknowledged'))).toMatchObject({ code: 'NOT_FOUND' });

      await assign(kari, theirs.id, { assigneeMemberId: null });
      expect(await listed(jonas)).not.toContain(theirs.id);
      expect(await refusal(operations.serviceRequests.get(subscribed(jonas), theirs.id))).toMatchObject({ code: 'NOT_FOUND' });
    });

    it("keeps the supplier's contact person for the board and the assignee, checks it, and refuses a finished request", async () => {
      const request = await report({ title: 'Ingen varme' });
      const supplier = { name: 'Rørlegger Hansen AS', contactName: 'Per Hansen', email: 'per@hansen.example', phone: '+47 22 33 44 55' };
      expect(await refusal(assign(kari, request.id, { supplier: { name: 'Hansen' } }))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'supplier' });
      const assigned = await assign(kari, request.id, { assigneeMemberId: jonas.memberId, supplier });
      const seen = (viewer: Viewer) => operations.assignments.supplierOf(viewer, assigned);
      expect(await seen(kari)).toMatchObject({ name: 'Rørlegger Hansen AS', contactName: 'Per Hansen', contactEmail: 'per@hansen.example' });
      expect(await seen(jonas)).toMatchObject({ contactPhone: '+47 22 33 44 55' });
      expect(await seen(ola)).toBeNull();
      expect(await seen(otherCaretaker)).toBeNull();
      expect(operations.assignments.assigneeOf(ola, assigned)).toEqual({ id: jonas.memberId });
      expect(operations.assignments.assigneeOf(neighbour, assigned)).toBeNull();
      // The same supplier again (with another assignee) keeps when it was engaged; leaving it out removes it.
      const engagedAt = (await seen(kari))!.engagedAt;
      now = new Date(now.getTime() + 60_000);
      await assign(kari, request.id, { assigneeMemberId: kari.memberId, supplier });
      expect(await seen(kari)).toMatchObject({ engagedAt });
      await assign(kari, request.id, { assigneeMemberId: jonas.memberId });
      expect(await seen(kari)).toBeNull();
      await move(kari, request.id, 'rejected', 'Meldt to ganger');
      expect(await refusal(assign(kari, request.id, { assigneeMemberId: jonas.memberId }))).toMatchObject({ code: 'CONFLICT' });
    });
  });

  describe('comments', () => {
    it('an internal comment reaches the board and the assignee only: not the reporter, a neighbour, an event or the reporter’s export', async () => {
      const request = await report({
        title: 'Fukt i taket',
        location: { kind: 'common_area', buildingId: BLOKK_A, place: 'Trappeoppgang' },
        visibleToResidents: true,
        urgency: 'normal',
        urgentReason: null,
      });
      await assign(kari, request.id, { assigneeMemberId: jonas.memberId });
      const at = (minute: number) => (now = new Date(`2026-12-07T11:0${minute}:00Z`));
      at(1);
      await comment(ola, request.id, 'public', 'Det er verst ved vinduet.');
      at(2);
      await comment(jonas, request.id, 'internal', 'Beboeren har selv boret i taket.');
      at(3);
      await comment(kari, request.id, 'public', 'Vaktmesteren kommer i morgen.');
      expect(await refusal(comment(ola, request.id, 'internal', 'Skjult?'))).toMatchObject({ code: 'FORBIDDEN' });
      expect(await refusal(comment(neighbour, request.id, 'public', 'Samme hos meg'))).toMatchObject({ code: 'FORBIDDEN' });
      expect(await refusal(comment(otherCaretaker, request.id, 'public', 'Hei'))).toMatchObject({ code: 'NOT_FOUND' });
      expect(await refusal(comment(eva, request.id, 'public', 'Hei'))).toMatchObject({ code: 'NOT_FOUND' });
      expect(await refusal(comment(ola, request.id, 'public', '   '))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'body' });

      expect(await commentsFor(ola, request.id)).toEqual(['Det er verst ved vinduet.', 'Vaktmesteren kommer i morgen.']);
      expect(await commentsFor(neighbour, request.id)).toEqual([]);
      const all = ['Det er verst ved vinduet.', 'Beboeren har selv boret i taket.', 'Vaktmesteren kommer i morgen.'];
      expect(await commentsFor(kari, request.id)).toEqual(all);
      expect(await commentsFor(jonas, request.id)).toEqual(all);

      await move(kari, request.id, 'acknowledged');
      expect(await outbox()).not.toContain('boret');
      const exported = (await operations.definition.internalRoutes![PRIVACY_EXPORT_ROUTE]!(
        { kind: 'privacy.export', requestId: randomUUID(), associationId: SOLBAKKEN, memberId: ola.memberId },
        { viewer: null, requestId: 'test', clientIp: '' },
      )) as PrivacyExportAnswer;
      expect(JSON.stringify(exported)).toContain('Det er verst ved vinduet.');
      expect(JSON.stringify(exported)).not.toContain('boret');
      expect(exported.tables.service_request_comments).toHaveLength(1);
    });

    it('pages comments oldest first, and stops an author at their maximum without silencing the others', async () => {
      const request = await report({ title: 'Mange kommentarer' });
      await operations.db.tenant(SOLBAKKEN, (tx) =>
        tx.execute(sql`
          insert into operations.service_request_comments (association_id, id, request_id, author_member_id, visibility, body, created_at)
          select ${SOLBAKKEN}::uuid, gen_random_uuid(), ${request.id}::uuid, ${ola.memberId}::uuid, 'public', 'Kommentar ' || n,
            timestamptz '2026-12-07T09:00:00Z' + n * interval '1 second'
          from generate_series(1, ${MAX_COMMENTS_PER_AUTHOR - 1}) n`),
      );
      const row = await operations.serviceRequests.get(subscribed(ola), request.id);
      const first = await operations.comments.list(ola, row, { first: 2 });
      expect(first.nodes.map((c) => c.body)).toEqual(['Kommentar 1', 'Kommentar 2']);
      const second = await operations.comments.list(ola, row, { first: 2, after: first.pageInfo.endCursor });
      expect(second.nodes.map((c) => c.body)).toEqual(['Kommentar 3', 'Kommentar 4']);
      await comment(ola, request.id, 'public', 'Den siste');
      expect(await refusal(comment(ola, request.id, 'public', 'Én til'))).toMatchObject({ code: 'CONFLICT' });
      // The reporter's full share leaves the board's room, public and internal, as it was.
      await comment(kari, request.id, 'public', 'Vi ser på det.');
      await comment(kari, request.id, 'internal', 'Beboeren skriver mye.');
    });

    it(`limits a member to ${COMMENTS_PER_HOUR} comments an hour (RATE_LIMITED), another member unaffected`, async () => {
      const request = await report({ title: 'Travel tråd' });
      const chatty = members.is(viewerIn(SOLBAKKEN, 'board'));
      for (let i = 0; i < COMMENTS_PER_HOUR; i++) await comment(chatty, request.id, 'internal', `Notat ${i}`);
      expect(await refusal(comment(chatty, request.id, 'internal', 'Ett til'))).toMatchObject({ code: 'RATE_LIMITED', retryAfterSeconds: expect.any(Number) });
      await comment(ola, request.id, 'public', 'Fortsatt her');
    });
  });

  it("a page of requests reads its ratings, suppliers, histories and first comments with one query per field (the request's loaders)", async () => {
    const reporter = members.is(viewerIn(SOLBAKKEN, 'resident', { buildingIds: [BLOKK_A] }));
    const rows: ServiceRequestRow[] = [];
    for (const title of ['Kjeller 1', 'Kjeller 2', 'Kjeller 3']) {
      const request = await operations.serviceRequests.report(subscribed(reporter), {
        ...leak,
        title,
        location: { kind: 'common_area', buildingId: BLOKK_A, place: 'Kjeller' },
        urgency: 'normal',
        urgentReason: null,
      });
      await assign(kari, request.id, { assigneeMemberId: jonas.memberId, supplier: { name: `Firma ${title}`, phone: '22334455' } });
      now = new Date(now.getTime() + 60_000);
      await comment(kari, request.id, 'internal', `Notat ${title}`);
      now = new Date(now.getTime() + 60_000);
      await comment(reporter, request.id, 'public', `Spørsmål ${title}`);
      for (const status of ['acknowledged', 'in_progress', 'resolved'] as const) await move(kari, request.id, status);
      await operations.ratings.rate(subscribed(reporter), { requestId: request.id, score: 4 });
      rows.push(await operations.serviceRequests.get(subscribed(kari), request.id));
    }
    const fieldsFor = async (viewer: Viewer) => {
      const loaders = requestFieldLoaders({ ...subscribed(viewer), ...operations });
      return Promise.all(
        rows.map(async (row) => {
          const [rating, supplier, history, comments] = await Promise.all([
            operations.ratings.of(viewer, row, loaders),
            operations.assignments.supplierOf(viewer, row, loaders),
            operations.serviceRequests.history(viewer, row, loaders),
            operations.comments.list(viewer, row, { first: 1 }, loaders),
          ]);
          return { rating: rating?.score, supplier: supplier?.name, history: history.map((c) => c.toStatus), comments: comments.nodes.map((c) => c.body) };
        }),
      );
    };
    const queries = jest.spyOn(operations.db, 'tenant');
    try {
      const board = await fieldsFor(kari);
      expect(queries).toHaveBeenCalledTimes(4);
      expect(board).toEqual(
        rows.map((row) => ({
          rating: 4,
          supplier: `Firma ${row.title}`,
          history: ['new', 'acknowledged', 'in_progress', 'resolved'],
          comments: [`Notat ${row.title}`],
        })),
      );
      // The reporter's own loaders: public comments only, no supplier.
      expect((await fieldsFor(reporter)).map((f) => [f.supplier, f.comments])).toEqual(rows.map((row) => [undefined, [`Spørsmål ${row.title}`]]));
    } finally {
      queries.mockRestore();
    }
  });

  describe('rating', () => {
    it('the reporter rates a resolved request once; a second try, also two at once, is CONFLICT', async () => {
      const request = await report({ title: 'Dørlås' });
      const rate = (viewer: Viewer, score: number, id = request.id) =>
        operations.ratings.rate(subscribed(viewer), { requestId: id, score, comment: 'Rask hjelp' });
      expect(await refusal(rate(ola, 5))).toMatchObject({ code: 'CONFLICT' });
      for (const status of ['acknowledged', 'in_progress', 'resolved'] as const) await move(kari, request.id, status);
      expect(await refusal(rate(kari, 5))).toMatchObject({ code: 'FORBIDDEN' });
      expect(await refusal(rate(ola, 6))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'score' });
      expect(await refusal(rate(eva, 5))).toMatchObject({ code: 'NOT_FOUND' });
      expect(await rate(ola, 4)).toMatchObject({ score: 4, comment: 'Rask hjelp', raterMemberId: ola.memberId });
      expect(await refusal(rate(ola, 5))).toMatchObject({ code: 'CONFLICT' });
      const row = await operations.serviceRequests.get(subscribed(kari), request.id);
      expect(await operations.ratings.of(kari, row)).toMatchObject({ score: 4 });
      expect(await operations.ratings.of(neighbour, row)).toBeNull();

      const other = await report({ title: 'Lyspære' });
      for (const status of ['acknowledged', 'in_progress', 'resolved'] as const) await move(kari, other.id, status);
      const both = await Promise.allSettled([rate(ola, 3, other.id), rate(ola, 5, other.id)]);
      expect(both.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const refused = both.find((r): r is PromiseRejectedResult => r.status === 'rejected')!;
      expect((refused.reason as GraphQLError).extensions).toMatchObject({ code: 'CONFLICT' });
    });
  });

  it('demo data: the caretaker has two requests, a thread with an internal note, a rated door; loaded once, telling nobody', async () => {
    const demo = { association: randomUUID(), board: randomUUID(), caretaker: randomUUID(), ola: randomUUID() };
    const home = (memberId: string) => ({ memberId, unitId: randomUUID(), buildingId: randomUUID() });
    await loadDemoServiceRequests(operations.db, { association: demo.association, board: demo.board, ola: home(demo.ola), aase: home(randomUUID()) }, now);
    expect(await loadDemoWork(operations.db, demo, now)).toBe(true);
    expect(await loadDemoWork(operations.db, demo, now)).toBe(false);
    const caretaker = { ...viewerIn(demo.association, 'external'), memberId: demo.caretaker };
    const reporter = { ...viewerIn(demo.association, 'resident'), memberId: demo.ola };
    const theirs = (await operations.assignments.assignedToMe(subscribed(caretaker), {})).nodes;
    expect(theirs.map((r) => r.title).sort()).toEqual(['Kald radiator på soverommet', 'Lekker under kjøkkenvasken']);
    const leakRow = theirs.find((r) => r.title === 'Lekker under kjøkkenvasken')!;
    expect((await operations.comments.list(caretaker, leakRow, {})).nodes.map((c) => c.visibility)).toEqual(['public', 'internal', 'public']);
    expect((await operations.comments.list(reporter, leakRow, {})).nodes.map((c) => c.visibility)).toEqual(['public', 'public']);
    const events = await operations.db.tenant(demo.association, async (tx) => {
      const result = (await tx.execute(sql`select count(*)::int as n from operations.outbox where association_id = ${demo.association}`)) as {
        rows: { n: number }[];
      };
      return result.rows[0]!.n;
    });
    expect(events).toBe(0);
  });

  it("an assignee's erasure takes them off their requests, keeps their comments for the tombstone only when comments are kept", async () => {
    const caretaker = members.is(viewerIn(SOLBAKKEN, 'external'));
    const request = await report({ title: 'Sluttet vaktmester' });
    await assign(kari, request.id, { assigneeMemberId: caretaker.memberId });
    await comment(caretaker, request.id, 'internal', 'Må bestille deler.');
    const tombstone = randomUUID();
    const receipt = (await operations.definition.internalRoutes![PRIVACY_ERASE_ROUTE]!(
      {
        kind: 'privacy.erase',
        requestId: randomUUID(),
        associationId: SOLBAKKEN,
        memberId: caretaker.memberId,
        policy: { keepContent: ['posts'], tombstoneMemberId: tombstone, reason: 'request' },
      },
      { viewer: null, requestId: 'test', clientIp: '' },
    )) as { receipt: { table: string; action: string; rows: number }[] };
    expect(receipt.receipt).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ table: 'service_requests', rows: 1 }),
        expect.objectContaining({ table: 'service_request_comments', action: 'erased', rows: 1 }),
      ]),
    );
    expect(await operations.serviceRequests.get(subscribed(kari), request.id)).toMatchObject({ assigneeMemberId: null, assignedAt: null });
    expect(await commentsFor(kari, request.id)).toEqual([]);
  });
});
