import { randomUUID } from 'node:crypto';
import type { Viewer } from '@tunet/kit';
import { sql } from 'drizzle-orm';
import { DEMO } from '../members.demo';
import { errorOf, openMembersTestBed, osloDate, viewerOf, type MembersTestBed } from '../members.fixtures';
import { ImportsRepository, type ImportJobRow } from './imports.repository';
import { ImportsService } from './imports.service';

type Outboxed = { topic: string; payload: Record<string, unknown> };

describe('member import', () => {
  let bed: MembersTestBed;
  /** Two rows per chunk, so that every import here is written in several rounds, as large ones are. */
  let imports: ImportsService;
  const kari = viewerOf(DEMO.solbakken, DEMO.kari, 'board');
  const ola = viewerOf(DEMO.solbakken, DEMO.ola, 'resident');
  const eva = viewerOf(DEMO.fjordly, DEMO.eva, 'board');
  const integrator = (scopes: NonNullable<Viewer['integration']>['scopes']): Viewer => {
    const apiKeyId = randomUUID();
    return {
      accountId: apiKeyId,
      associationId: DEMO.solbakken,
      memberId: null,
      role: null,
      platformAdmin: false,
      sessionId: null,
      integration: { apiKeyId, scopes },
    };
  };

  const query = async <T>(statement: ReturnType<typeof sql>) => bed.db.system(async (tx) => ((await tx.execute(statement)) as { rows: T[] }).rows);
  const outbox = () => query<Outboxed>(sql`select topic, payload from members.outbox order by id`);
  const personByEmail = async (email: string) =>
    (
      await query<{ id: string; account_id: string | null; phone: string | null }>(
        sql`select id, account_id, phone from members.members where association_id = ${DEMO.solbakken} and lower(email) = ${email}`,
      )
    )[0];
  const tenuresOf = (memberId: string) => bed.subgraph.repositories.housing.tenuresOf(DEMO.solbakken, 'member', [memberId], false);
  const rolesOf = async (memberId: string) => (await bed.subgraph.repositories.members.findMembers(DEMO.solbakken, [memberId]))[0]!.roles;
  const counts = () =>
    query<{ members: number; tenures: number; events: number }>(
      sql`select (select count(*)::int from members.members) as members, (select count(*)::int from members.tenures) as tenures,
                 (select count(*)::int from members.outbox) as events`,
    );

  async function finished(id: string, viewer: Viewer = kari, service = imports): Promise<ImportJobRow> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const job = await service.job(viewer, id);
      if (job.status === 'completed' || job.status === 'failed') return job;
      if (Date.now() > deadline) throw new Error(`import ${id} is still ${job.status}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
  const runImport = async (input: Record<string, unknown>, viewer: Viewer = kari) => finished((await imports.start(viewer, input)).id, viewer);
  const report = (job: ImportJobRow) => ({
    status: job.status,
    created: job.createdCount,
    updated: job.updatedCount,
    unchanged: job.unchangedCount,
    movedOut: job.movedOutCount,
    rejected: job.rejected.map(({ line, field }) => [line, field]),
  });

  beforeAll(async () => {
    bed = await openMembersTestBed();
    imports = new ImportsService(new ImportsRepository(bed.db), { chunkRows: 2 });
  });
  afterAll(() => bed.close());

  const MIXED = [
    'andelsnummer;navn;e-post;telefon;relasjon;innflytting;utflytting',
    '1;Ola Hansen;ola@solbakken.example;+47 900 11 222;eier;15.08.2019;',
    '1;Ingrid Hansen;;;medeier;2019-08-15;',
    '2;Nina Nyinnflyttet;Nina@Example.com;;leietaker;01.03.2025;',
    '9;Ukjent Andel;;;eier;;',
    '4;Åse Berg;aase@solbakken.example;;fremleier;;',
    '3;Kari Nordmann;kari@solbakken;;eier;;',
  ].join('\r\n');

  it('imports the valid rows of a CSV and reports each rejected one by line, field and reason', async () => {
    const job = await runImport({ mode: 'UPSERT', csv: MIXED });

    expect(report(job)).toEqual({
      status: 'completed',
      created: 1,
      updated: 1,
      unchanged: 1,
      movedOut: 0,
      rejected: [
        [5, 'shareNumber'],
        [6, 'relation'],
        [7, 'email'],
      ],
    });
    expect(job.rejected[0]!.reason).toBe('No unit has share number 9.');
    expect(job).toMatchObject({ totalRows: 6, processedRows: 6, finishedAt: expect.any(Date) });
    expect(await personByEmail('ola@solbakken.example')).toMatchObject({ phone: '+47 900 11 222' });
    const nina = (await personByEmail('nina@example.com'))!;
    expect(nina.account_id).toBeNull();
    expect(await tenuresOf(nina.id)).toEqual([expect.objectContaining({ relation: 'tenant', moveIn: '2025-03-01', moveOut: null, active: true })]);
  });

  it('changes nothing when the same import runs again', async () => {
    const before = await counts();
    const job = await runImport({ mode: 'UPSERT', csv: MIXED });
    expect(report(job)).toMatchObject({ created: 0, updated: 0, unchanged: 3, movedOut: 0 });
    expect(await counts()).toEqual(before);
  });

  it('reports in a dry run exactly what the real run then does, writing nothing', async () => {
    const rows = [
      { shareNumber: '4', name: 'Åse Berg', email: 'aase@solbakken.example', relation: 'TENANT', moveIn: '2023-01-01', moveOut: osloDate(-1) },
      { shareNumber: '5', name: 'Nils Nabo', relation: 'OCCUPANT' },
    ];
    const before = await counts();

    const dry = await runImport({ mode: 'UPSERT', dryRun: true, rows });

    expect(dry.dryRun).toBe(true);
    expect(await counts()).toEqual(before);
    expect(await rolesOf(DEMO.aase)).toEqual(['resident']);
    const real = await runImport({ mode: 'UPSERT', rows });
    expect(report(real)).toEqual(report(dry));
    expect(report(real)).toMatchObject({ created: 1, updated: 1, unchanged: 0 });
    expect(await rolesOf(DEMO.aase)).toEqual([]);
    const [aase] = await tenuresOf(DEMO.aase);
    expect((await outbox()).at(-1)).toEqual({
      topic: 'member.moved_out',
      payload: { memberId: DEMO.aase, unitId: aase!.unitId, tenureId: aase!.id, moveOut: osloDate(-1), timeZone: 'Europe/Oslo' },
    });
  });

  it('writes nothing from an all-or-nothing import with a rejected row, and says which', async () => {
    const before = await counts();
    const job = await runImport({
      mode: 'UPSERT',
      allOrNothing: true,
      rows: [
        { shareNumber: '5', name: 'Alt Eller Intet', email: 'alt@example.com', relation: 'TENANT' },
        { shareNumber: '5', name: 'Feil Dato', relation: 'TENANT', moveIn: '2026-01-02', moveOut: '2026-01-01' },
      ],
    });
    expect(report(job)).toEqual({ status: 'failed', created: 0, updated: 0, unchanged: 0, movedOut: 0, rejected: [[2, 'moveOut']] });
    expect(await counts()).toEqual(before);
  });

  describe('full sync', () => {
    // Everyone who lives in Solbakken now except Per, who has moved without telling the board.
    const residents = [
      { shareNumber: '1', name: 'Ola Hansen', email: 'ola@solbakken.example', phone: '+47 900 11 222', relation: 'OWNER', moveIn: '2019-08-15' },
      { shareNumber: '1', name: 'Ingrid Hansen', relation: 'CO_OWNER', moveIn: '2019-08-15' },
      { shareNumber: '2', name: 'Nina Nyinnflyttet', email: 'nina@example.com', relation: 'TENANT', moveIn: '2025-03-01' },
      { shareNumber: '3', name: 'Kari Nordmann', email: 'kari@solbakken.example', relation: 'OWNER', moveIn: '2016-05-01' },
      { shareNumber: '5', name: 'Nils Nabo', relation: 'OCCUPANT' },
    ];

    it('leaves the residents it does not mention alone when rows are rejected', async () => {
      const job = await runImport({ mode: 'FULL_SYNC', rows: [...residents, { shareNumber: '99', name: 'Feil', relation: 'OWNER' }] });
      expect(report(job)).toMatchObject({ movedOut: 0, unchanged: 5, rejected: [[6, 'shareNumber']] });
      expect((await tenuresOf(DEMO.per))[0]!.moveOut).toBeNull();
    });

    it('lists in a dry run, person by person, whom it would add, change and move out (issue 16)', async () => {
      const kariWithNewPhone = { ...residents[3]!, phone: '+47 911 22 333' };
      const rows = [...residents.slice(0, 3), kariWithNewPhone, residents[4]!, { shareNumber: '2', name: 'Dora Dry', relation: 'OCCUPANT' }];
      const dry = await runImport({ mode: 'FULL_SYNC', dryRun: true, rows });
      const [per] = await tenuresOf(DEMO.per);
      expect(report(dry)).toMatchObject({ created: 1, updated: 1, unchanged: 4, movedOut: 1 });
      expect(dry.changes).toEqual([
        // Move-outs first, so a list cut at its cap still names whom a full sync would move out.
        { kind: 'moved_out', line: null, memberId: DEMO.per, name: null, unitId: per!.unitId, moveOut: osloDate() },
        { kind: 'added', line: 6, memberId: null, name: 'Dora Dry', unitId: expect.any(String), moveOut: null },
        { kind: 'updated', line: 4, memberId: DEMO.kari, name: null, unitId: expect.any(String), moveOut: null },
      ]);
      expect(dry.changesTruncated).toBe(false);
      // An import that writes keeps no list.
      const upsert = await runImport({ mode: 'UPSERT', rows: residents.slice(0, 1) });
      expect(upsert.changes).toEqual([]);
    });

    it('ends today the tenure of a resident it does not mention, keeps the person, and tells the other subgraphs', async () => {
      const job = await runImport({ mode: 'FULL_SYNC', rows: residents });

      expect(report(job)).toEqual({ status: 'completed', created: 0, updated: 0, unchanged: 5, movedOut: 1, rejected: [] });
      const [per] = await tenuresOf(DEMO.per);
      expect(per).toMatchObject({ moveOut: osloDate() });
      // A tenure counts through its move-out day, as with recordMoveOut: resident rights end tonight.
      expect(await rolesOf(DEMO.per)).toEqual(['resident']);
      expect((await outbox()).at(-1)).toEqual({
        topic: 'member.moved_out',
        payload: { memberId: DEMO.per, unitId: per!.unitId, tenureId: per!.id, moveOut: osloDate(), timeZone: 'Europe/Oslo' },
      });
    });

    it('changes nothing and announces nothing when run again', async () => {
      const before = await counts();
      const job = await runImport({ mode: 'FULL_SYNC', rows: residents });
      expect(report(job)).toEqual({ status: 'completed', created: 0, updated: 0, unchanged: 5, movedOut: 0, rejected: [] });
      expect(await counts()).toEqual(before);
    });
  });

  describe('who may import', () => {
    const small = { mode: 'UPSERT', rows: [{ shareNumber: '1', name: 'Ola Hansen', email: 'ola@solbakken.example', relation: 'OWNER' }] };

    it('lets the board and integrations with members:import import and follow their jobs', async () => {
      const key = integrator(['members:import']);
      const started = await bed.subgraph.imports.start(key, small);
      expect(started).toMatchObject({ status: 'queued', createdBy: key.integration!.apiKeyId, createdByKind: 'api_key' });
      expect(await finished(started.id, key, bed.subgraph.imports)).toMatchObject({ status: 'completed', unchangedCount: 1 });
      await expect(bed.subgraph.imports.job(kari, started.id)).resolves.toMatchObject({ id: started.id });
    });

    it('refuses residents, read-only integrations and strangers, and hides jobs from other associations', async () => {
      const { id } = await bed.subgraph.imports.start(kari, small);
      expect(await errorOf(bed.subgraph.imports.start(ola, small))).toMatchObject({ code: 'FORBIDDEN' });
      expect(await errorOf(bed.subgraph.imports.start(integrator(['members:read']), small))).toMatchObject({ code: 'FORBIDDEN' });
      expect(await errorOf(bed.subgraph.imports.start(null, small))).toMatchObject({ code: 'UNAUTHENTICATED' });
      expect(await errorOf(bed.subgraph.imports.job(ola, id))).toMatchObject({ code: 'FORBIDDEN' });
      expect(await errorOf(bed.subgraph.imports.job(integrator(['members:read']), id))).toMatchObject({ code: 'FORBIDDEN' });
      expect(await errorOf(bed.subgraph.imports.job(null, id))).toMatchObject({ code: 'UNAUTHENTICATED' });
      expect(await errorOf(bed.subgraph.imports.job(eva, id))).toMatchObject({ code: 'NOT_FOUND' });
      expect(await errorOf(bed.subgraph.imports.job(kari, 'not-an-id'))).toMatchObject({ code: 'NOT_FOUND' });
      await finished(id, kari, bed.subgraph.imports);
    });
  });

  it('refuses a request of the wrong shape before creating a job', async () => {
    const row = { shareNumber: '1', name: 'Ola Hansen', relation: 'OWNER' };
    expect(await errorOf(imports.start(kari, { mode: 'UPSERT' }))).toEqual({ code: 'BAD_USER_INPUT', field: 'rows' });
    expect(await errorOf(imports.start(kari, { mode: 'UPSERT', rows: [row], csv: 'navn;relasjon;andelsnummer' }))).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'rows',
    });
    expect(await errorOf(imports.start(kari, { mode: 'FULL_SYNC', rows: [] }))).toEqual({ code: 'BAD_USER_INPUT', field: 'rows' });
    expect(await errorOf(imports.start(kari, { mode: 'UPSERT', csv: 'navn;mobil\nOla;900' }))).toEqual({ code: 'BAD_USER_INPUT', field: 'csv' });
    expect(await errorOf(imports.start(kari, { mode: 'SOMETIMES', rows: [row] }))).toEqual({ code: 'BAD_USER_INPUT', field: 'mode' });
  });

  it('reports as failed a job whose process stopped beating', async () => {
    const id = randomUUID();
    await bed.db.system((tx) =>
      tx.execute(sql`
        insert into members.import_jobs (association_id, id, mode, dry_run, all_or_nothing, status, total_rows, created_by, created_by_kind, heartbeat_at)
        values (${DEMO.solbakken}, ${id}, 'full_sync', false, false, 'running', 10, ${DEMO.kari}, 'member', now() - interval '10 minutes')`),
    );
    expect(await imports.job(kari, id)).toMatchObject({ status: 'failed', finishedAt: expect.any(Date) });
  });
});
