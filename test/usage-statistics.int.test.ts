import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { closeFastStore, generateSecrets, FilesystemStorage, type RequestContext, type SubgraphModule, type Viewer } from '@tunet/kit';
import { openTestDatabase, openTestRedis, type TestDatabase } from '@tunet/kit/src/kit.fixtures';
import { createMembersSubgraph, DEMO, loadDemoData } from '@tunet/members';
import { createPostsSubgraph } from '@tunet/posts';
import { EVERY_REFERENCE_EXISTS } from '@tunet/posts/src/posts.fixtures';
import { createReservationsSubgraph, loadDemoReservations } from '@tunet/reservations';
import { StatisticsService } from '@tunet/privacy/src/statistics/statistics.service';
import type { UsageSource } from '@tunet/privacy/src/statistics/usage-source';

/**
 * The statistics on real routes (decision 0040): members', reservations' and posts' statistics routes on one migrated
 * database, called in-process as the signed calls would, and privacy's service applying k ≥ 5 to what they count.
 * November 2026 in Oslo runs from 2026-10-31T23:00Z to 2026-11-30T23:00Z.
 */
describe('anonymous usage statistics on the subgraphs’ routes', () => {
  let database: TestDatabase;
  const subgraphs: Record<string, SubgraphModule<RequestContext>> = {};
  const stops: (() => Promise<void>)[] = [];
  const process: RequestContext = { viewer: null, requestId: 'statistics-test', clientIp: '127.0.0.1' };
  const ask = async <T>(subgraph: string, route: string, body: unknown) => (await subgraphs[subgraph]!.definition.internalRoutes![route]!(body, process)) as T;
  const source: UsageSource = {
    residents: (associationId, month, at) =>
      ask('members', 'statistics/residents', { kind: 'statistics.residents', associationId, month, at: at.toISOString() }),
    active: async (activity, associationId, month, timeZone) =>
      (
        await ask<{ memberIds: string[] }>(activity === 'bookers' ? 'reservations' : 'posts', `statistics/${activity}`, {
          kind: `statistics.${activity}`,
          associationId,
          month,
          timeZone,
        })
      ).memberIds,
  };
  const operator: Viewer = { accountId: randomUUID(), associationId: null, memberId: null, role: null, platformAdmin: true, sessionId: null };
  const service = new StatisticsService(source, { list: async () => [] }, () => new Date('2026-12-06T09:00:00Z'));
  const association = DEMO.solbakken;
  const residentsIn = async (month: string) => (await source.residents(association, month, new Date()))!.memberIds.sort();

  beforeAll(async () => {
    database = await openTestDatabase();
    const { connection } = database;
    const store = await openTestRedis();
    stops.push(() => closeFastStore(store));
    const members = await createMembersSubgraph({ database: connection, store, jwtPrivateKey: (await generateSecrets()).jwtPrivateKey });
    const reservations = await createReservationsSubgraph({ database: connection, store, internalSecret: 'statistics-test-secret-statistics-test' });
    const posts = await createPostsSubgraph({
      database: connection,
      store,
      fileStorage: new FilesystemStorage(`/tmp/tunet-statistics-${randomUUID()}`),
      memberReferences: EVERY_REFERENCE_EXISTS,
    });
    Object.assign(subgraphs, { members, reservations, posts });
    for (const subgraph of [members, reservations, posts]) await subgraph.migrate();
    await loadDemoData(members);
    const demoResidents = () => ({ memberId: randomUUID(), unitId: randomUUID() });
    await loadDemoReservations(reservations, { association, residents: [demoResidents(), demoResidents(), demoResidents()] });
  }, 240_000);

  afterAll(async () => {
    for (const stop of stops) await stop();
    await database?.drop();
  });

  it('counts residents who booked in the whole month in Oslo, and withholds fewer than five commenters', async () => {
    const before = await residentsIn('2026-11');
    const [active, movedOutInOctober, movingInDecember, external] = [12, 1, 1, 1].map((n) => Array.from({ length: n }, () => randomUUID()));
    const tenures: [string, string, string | null, string | null][] = [
      ...active!.map((id, i): [string, string, string | null, string | null] => [id, i % 2 ? '2020-01-01' : '2026-11-30', i === 3 ? '2026-11-01' : null, null]),
      [movedOutInOctober![0]!, '2020-01-01', '2026-10-31', null],
      [movingInDecember![0]!, '2026-12-01', null, null],
      [external![0]!, '2020-01-01', null, 'Vaktmester'],
    ];
    await database.connection.ownerTransaction(async (tx) => {
      const unit = ((await tx.execute(sql`select id from members.units where association_id = ${association} limit 1`)) as { rows: { id: string }[] }).rows[0]!
        .id;
      for (const [id, moveIn, moveOut, title] of tenures) {
        await tx.execute(sql`insert into members.members (association_id, id, display_name, external_title) values (${association}, ${id}, 'Test', ${title})`);
        await tx.execute(sql`insert into members.tenures (association_id, id, member_id, unit_id, relation, move_in, move_out)
          values (${association}, ${randomUUID()}, ${id}, ${unit}, 'tenant', ${moveIn}, ${moveOut})`);
      }
    });
    expect(await residentsIn('2026-11')).toEqual([...before, ...active!].sort());

    const bookingAt = (memberId: string, createdAt: string) => sql`
      insert into reservations.bookings (association_id, id, resource_id, booker_member_id, during, blocked, status, idempotency_key, created_at)
      select ${association}, ${randomUUID()}, id, ${memberId}, tstzrange(now(), now() + interval '1 hour'), tstzrange(now(), now() + interval '1 hour'),
        'cancelled', ${randomUUID()}, ${createdAt}::timestamptz from reservations.resources where association_id = ${association} limit 1`;
    await database.connection.ownerTransaction(async (tx) => {
      // Five residents in November in Oslo (the first just after midnight on the 1st, twice), one on 1 December in
      // Oslo, one who moved out in October, and the external: five count.
      for (const [memberId, at] of [
        [active![0]!, '2026-10-31T23:30:00Z'],
        [active![0]!, '2026-11-02T12:00:00Z'],
        [active![1]!, '2026-11-15T12:00:00Z'],
        [active![2]!, '2026-11-15T12:00:00Z'],
        [active![3]!, '2026-11-15T12:00:00Z'],
        [active![4]!, '2026-11-30T22:59:59Z'],
        [active![5]!, '2026-11-30T23:00:00Z'],
        [active![6]!, '2026-10-31T22:59:59Z'],
        [movedOutInOctober![0]!, '2026-11-15T12:00:00Z'],
        [external![0]!, '2026-11-15T12:00:00Z'],
      ] as const)
        await tx.execute(bookingAt(memberId, at));
    });
    await database.connection.ownerTransaction(async (tx) => {
      const post = randomUUID();
      await tx.execute(
        sql`insert into posts.posts (association_id, id, author_member_id, title, body) values (${association}, ${post}, ${active![0]!}, 'Dugnad', 'Lørdag')`,
      );
      for (const memberId of [active![0]!, active![0]!, active![1]!, active![2]!, active![3]!, external![0]!])
        await tx.execute(sql`insert into posts.comments (association_id, id, post_id, author_member_id, body, created_at)
          values (${association}, ${randomUUID()}, ${post}, ${memberId}, 'Ja', '2026-11-10T10:00:00Z')`);
    });

    const population = before.length + active!.length;
    expect(await service.forAssociation(operator, association, '2026-11')).toEqual({
      month: '2026-11',
      booked: { suppressed: false, suppressionReason: null, count: 5, population, share: 5 / population },
      commented: { suppressed: true, suppressionReason: 'SMALL_GROUP', count: null, population: null, share: null },
    });
    // December: one booking and no comments; and a body for one route is refused by another.
    expect((await service.forAssociation(operator, association, '2026-12')).booked.suppressed).toBe(true);
    await expect(
      ask('posts', 'statistics/commenters', { kind: 'statistics.bookers', associationId: association, month: '2026-11', timeZone: 'Europe/Oslo' }),
    ).rejects.toMatchObject({ status: 400 });
    await expect(
      ask('reservations', 'statistics/bookers', { kind: 'statistics.bookers', associationId: association, month: '2026-11', timeZone: 'Mars/Base' }),
    ).rejects.toMatchObject({ status: 400 });
  });
});
