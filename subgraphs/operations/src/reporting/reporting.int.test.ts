import { randomUUID } from 'node:crypto';
import { closeFastStore, type FastStore, type RequestContext, type Viewer } from '@tunet/kit';
import { openTestDatabase, openTestRedis, viewerIn, type TestDatabase } from '@tunet/kit/src/kit.fixtures';
import { sql } from 'drizzle-orm';
import type { GraphQLError } from 'graphql';
import { isRequestOverdue } from '../deadlines/deadlines.rules';
import { OPERATIONS_FEATURE } from '../feature';
import type { ServiceRequestCategory, ServiceRequestStatus } from '../tables';
import { createOperationsSubgraph, type OperationsSubgraph } from '../subgraph';
import { requestsCsv } from './reporting-csv.rules';

const SOLBAKKEN = randomUUID();
const FJORDLY = randomUUID();

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

describe('operations reporting', () => {
  let database: TestDatabase;
  let store: FastStore;
  let operations: OperationsSubgraph;
  let now = new Date('2026-03-01T00:00:00Z');
  const kari = viewerIn(SOLBAKKEN, 'board');
  const ola = viewerIn(SOLBAKKEN, 'resident');
  const caretaker = viewerIn(SOLBAKKEN, 'external');
  const eva = viewerIn(FJORDLY, 'board');
  const operator: Viewer = { ...kari, memberId: null, role: null, platformAdmin: true, scope: null, support: { expiresAt: '2026-12-31T00:00:00Z' } };
  const integration: Viewer = { ...kari, memberId: null, role: null, scope: null, integration: { apiKeyId: randomUUID(), scopes: ['members:read'] } };
  const ids: Record<string, string> = {};
  const march = { from: '2026-03-01', to: '2026-03-31' };
  const report = (viewer: Viewer | null, args = march, features?: string[]) => operations.reporting.report(subscribed(viewer, features), args);

  /** Reports a request at `at` and walks it through `steps`, each `hours` after the report, as the board. */
  async function seed(
    name: string,
    by: Viewer,
    at: string,
    category: ServiceRequestCategory,
    steps: [number, ServiceRequestStatus, string?][] = [],
  ): Promise<void> {
    now = new Date(at);
    const reported = await operations.serviceRequests.report(subscribed(by), {
      category,
      location: { kind: 'common_area', place: 'Vaskeriet i kjelleren' },
      title: `Feil ${name}: døra går ikke i lås`,
      description: 'Døra til vaskeriet går ikke i lås.',
    });
    ids[name] = reported.id;
    for (const [hours, status, reason] of steps) {
      now = new Date(new Date(at).getTime() + hours * 3_600_000);
      await operations.serviceRequests.changeStatus(subscribed(by.associationId === SOLBAKKEN ? kari : eva), { id: reported.id, status, reason });
    }
  }

  beforeAll(async () => {
    database = await openTestDatabase();
    store = await openTestRedis();
    operations = await createOperationsSubgraph({
      database: database.connection,
      store,
      internalSecret: 'reporting-test-secret-reporting-test-secret',
      subgraphUrls: () => ({}),
      now: () => now,
      associationZones: (associationId) => Promise.resolve(associationId === SOLBAKKEN || associationId === FJORDLY ? 'Europe/Oslo' : null),
    });
    await operations.migrate();
    // March 2026 in Oslo runs from 2026-02-28T23:00Z to 2026-03-31T22:00Z (summer time from the 29th).
    await seed('before March', ola, '2026-02-28T22:30:00Z', 'outdoor');
    await seed('first of March', ola, '2026-02-28T23:30:00Z', 'outdoor');
    await seed('closed', ola, '2026-03-02T08:00:00Z', 'plumbing', [
      [1, 'acknowledged'],
      [2, 'in_progress'],
      [24, 'resolved'],
      [30, 'closed'],
    ]);
    await seed('resolved', ola, '2026-03-03T08:00:00Z', 'plumbing', [
      [0.5, 'acknowledged'],
      [1, 'in_progress'],
      [4, 'resolved'],
    ]);
    await seed('in progress', kari, '2026-03-04T08:00:00Z', 'electrical', [
      [2, 'acknowledged'],
      [3, 'in_progress'],
    ]);
    await seed('new', ola, '2026-03-05T08:00:00Z', 'outdoor');
    await seed('rejected', ola, '2026-03-06T08:00:00Z', 'other', [
      [0.25, 'acknowledged'],
      [1, 'rejected', 'Gjelder naboeiendommen.'],
    ]);
    await seed('reopened', ola, '2026-03-07T08:00:00Z', 'plumbing', [
      [3, 'acknowledged'],
      [4, 'in_progress'],
      [48, 'resolved'],
      [50, 'in_progress', 'Lekker igjen.'],
    ]);
    await seed('first of April', ola, '2026-03-31T22:30:00Z', 'common_areas');
    await seed('Fjordly', eva, '2026-03-10T08:00:00Z', 'plumbing', [[0.1, 'acknowledged']]);
  }, 180_000);

  afterAll(async () => {
    await closeFastStore(store);
    await database.drop();
  });

  it('counts the requests reported in the period in the association’s zone, by status and category, with the medians from their histories', async () => {
    const figures = await report(kari);
    expect(figures).toMatchObject({
      from: '2026-03-01',
      to: '2026-03-31',
      timeZone: 'Europe/Oslo',
      total: 7,
      // acknowledged after 1, 0.5, 2 and 3 hours (the rejected one's quarter of an hour left out): (1 + 2) / 2 hours
      medianSecondsToAcknowledge: 5400,
      acknowledgedCount: 4,
      // resolved after 24, 4 and 48 hours (the reopened one by its first resolution): 24 hours
      medianSecondsToResolve: 86_400,
      resolvedCount: 3,
    });
    expect(Object.fromEntries(figures.byStatus.map((s) => [s.status, s.count]))).toEqual({
      new: 2,
      acknowledged: 0,
      in_progress: 2,
      waiting: 0,
      resolved: 1,
      closed: 1,
      rejected: 1,
    });
    expect(Object.fromEntries(figures.byCategory.map((c) => [c.category, c.count]))).toMatchObject({
      plumbing: 3,
      electrical: 1,
      outdoor: 2,
      other: 1,
      common_areas: 0,
    });
    expect(figures.requests.map((r) => r.id)).toEqual(
      ['first of March', 'closed', 'resolved', 'in progress', 'new', 'rejected', 'reopened'].map((n) => ids[n]),
    );
  });

  it('exports the period’s requests as CSV in Norwegian, oldest first, with times in Oslo', async () => {
    const figures = await report(kari);
    const csv = requestsCsv(figures.requests, 'nb', figures.timeZone);
    expect(csv.startsWith('\uFEFFMeldt;Kategori;Status;')).toBe(true);
    const lines = csv.split('\r\n');
    expect(lines).toHaveLength(1 + 7 + 1);
    expect(lines[1]).toBe(
      `2026-03-01 00:30;Uteområder;Ny;Normal;Feil first of March: døra går ikke i lås;Fellesareal: Vaskeriet i kjelleren;;;;;${ids['first of March']}`,
    );
    expect(lines[2]).toBe(
      `2026-03-02 09:00;Rørlegger;Lukket;Normal;Feil closed: døra går ikke i lås;Fellesareal: Vaskeriet i kjelleren;2026-03-02 10:00;2026-03-03 09:00;1,0;24,0;${ids.closed}`,
    );
    expect(csv).not.toContain('Døra til vaskeriet');
  });

  it('lists the requests overdue now, whenever reported, the longest overdue first', async () => {
    // Deadlines as the deadline sweep stamps them: an answer within 48 hours, the fix within 7 days.
    await operations.db.system((tx) =>
      tx.execute(
        sql`update operations.service_requests set response_due_at = created_at + interval '48 hours', resolution_due_at = created_at + interval '7 days'`,
      ),
    );
    now = new Date('2026-03-08T12:00:00Z');
    const figures = await report(kari);
    const overdue = await operations.reporting.overdue(figures);
    // "new" missed its answer at 03-07 08:00; "before March" and "first of March" their fix at 22:30 and 23:30 that
    // day. "in progress" is due on the 11th; closed, resolved and rejected requests are never overdue.
    expect(overdue.map((r) => r.id)).toEqual([ids.new, ids['before March'], ids['first of March']]);
    expect(overdue.every((r) => isRequestOverdue(r, now))).toBe(true);
    const fjordly = await operations.reporting.overdue(await report(eva));
    expect(fjordly).toEqual([]);
  });

  it('reads another association’s requests for it alone', async () => {
    const fjordly = await report(eva);
    expect(fjordly.requests.map((r) => r.id)).toEqual([ids.Fjordly]);
    expect(fjordly).toMatchObject({ total: 1, medianSecondsToAcknowledge: 360 });
  });

  it('is the board’s and a support session’s: FORBIDDEN for residents, the caretaker and integrations', async () => {
    expect((await report(operator)).total).toBe(7);
    for (const viewer of [ola, caretaker, integration]) expect(await refusal(report(viewer))).toMatchObject({ code: 'FORBIDDEN' });
    expect(await refusal(report({ ...operator, support: null, associationId: null }))).toMatchObject({ code: 'FORBIDDEN' });
  });

  it('reads nothing without the add-on, and refuses a period over 366 days or ending before it starts on `to`', async () => {
    const before = operations.db.queryCount;
    expect(await refusal(report(kari, march, []))).toMatchObject({ code: 'FEATURE_NOT_SUBSCRIBED', feature: OPERATIONS_FEATURE });
    expect(await refusal(report(null))).toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(await refusal(report(kari, { from: '2025-03-01', to: '2026-03-02' }))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'to' });
    expect(await refusal(report(kari, { from: '2026-03-02', to: '2026-03-01' }))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'to' });
    expect(operations.db.queryCount).toBe(before);
  });
});
