import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { Viewer } from '@tunet/kit';
import { DEMO } from '../members.demo';
import { errorOf, openMembersTestBed, viewerOf, type MembersTestBed } from '../members.fixtures';
import { TermsRepository } from './terms.repository';
import { TermsService } from './terms.service';

type Outboxed = { topic: string; association_id: string; payload: Record<string, unknown> };

describe('terms of service', () => {
  let bed: MembersTestBed;
  let terms: TermsService;
  /** The injected clock: 6 December 2026 at 23:30 in Oslo, already the 7th in no zone west of it. */
  let now = new Date('2026-12-06T22:30:00Z');
  const operator: Viewer = { accountId: randomUUID(), associationId: null, memberId: null, role: null, platformAdmin: true, sessionId: null };
  const kari = viewerOf(DEMO.solbakken, DEMO.kari, 'board');
  const ola = viewerOf(DEMO.solbakken, DEMO.ola, 'resident');
  const announced = () =>
    bed.db.system(
      async (tx) =>
        (
          (await tx.execute(sql`select topic, association_id, payload from members.outbox where topic = 'terms.version_announced' order by id`)) as {
            rows: Outboxed[];
          }
        ).rows,
    );
  const publish = (overrides: Record<string, unknown> = {}, viewer: Viewer | null = operator) =>
    terms.publish(viewer, {
      version: '2027-01',
      effectiveOn: '2027-01-06',
      url: 'https://tunet.example/vilkar/2027-01',
      summaryNb: 'Nye priser på SMS.',
      summaryEn: 'New SMS prices.',
      ...overrides,
    });
  const accept = (version: string, viewer: Viewer | null = kari, associationId = DEMO.solbakken) =>
    terms.accept(viewer, bed.loadersFor(viewer), { associationId, version });

  beforeAll(async () => {
    bed = await openMembersTestBed();
    terms = new TermsService(new TermsRepository(bed.db), () => now);
  });
  afterAll(() => bed.close());

  it('refuses an effective date less than one calendar month after today in Oslo, naming the earliest', async () => {
    const refused = await publish({ effectiveOn: '2027-01-05' }).catch((error: { extensions: Record<string, unknown>; message: string }) => error);
    expect(refused).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: 'effectiveOn' } });
    expect((refused as { message: string }).message).toContain('2027-01-06');
    expect(await announced()).toEqual([]);
  });

  it('announces a version to every association not terminated, in the same transaction as publishing it', async () => {
    await bed.db.system((tx) =>
      tx.execute(sql`update members.associations set status = 'terminated', terminated_on = '2026-11-30' where id = ${DEMO.fjordly}`),
    );
    const { terms: published, announcedTo } = await publish();
    expect(published).toMatchObject({ version: '2027-01', effectiveOn: '2027-01-06', publishedByAccountId: operator.accountId });
    const open = await bed.db.system(
      async (tx) => ((await tx.execute(sql`select id from members.associations where status <> 'terminated'`)) as { rows: { id: string }[] }).rows,
    );
    const events = await announced();
    expect(announcedTo).toBe(open.length);
    expect(events.map((e) => e.association_id).sort()).toEqual(open.map((a) => a.id).sort());
    expect(events.map((e) => e.association_id)).not.toContain(DEMO.fjordly);
    expect(events[0]!.payload).toEqual({ version: '2027-01', effectiveOn: '2027-01-06', summaryUrl: 'https://tunet.example/vilkar/2027-01' });
  });

  it('refuses a version published before with CONFLICT, announcing nothing again', async () => {
    const before = (await announced()).length;
    expect(await errorOf(publish({ effectiveOn: '2027-03-01' }))).toEqual({ code: 'CONFLICT', field: undefined });
    expect((await announced()).length).toBe(before);
  });

  it('lets only platform operators publish', async () => {
    expect(await errorOf(publish({ version: 'x' }, null))).toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(await errorOf(publish({ version: 'x' }, kari))).toMatchObject({ code: 'FORBIDDEN' });
    expect(await errorOf(publish({ version: 'x' }, { ...operator, integration: { apiKeyId: randomUUID(), scopes: [] } }))).toMatchObject({ code: 'FORBIDDEN' });
  });

  it('shows the board what is in effect, what is coming and by when it must be accepted', async () => {
    const state = await terms.associationTerms(kari, DEMO.solbakken);
    expect(state).toMatchObject({
      // Onboarding recorded the written acceptance of the version in effect (the demo does as createAssociation does).
      current: { version: '2026-01' },
      currentAccepted: true,
      accepted: [expect.objectContaining({ version: '2026-01', recordedByAccountId: DEMO.operator, recordedByMemberId: null })],
      pending: { terms: { version: '2027-01' }, effectiveOn: '2027-01-06', accepted: false },
      mustAcceptBy: '2027-01-06',
    });
    expect(await errorOf(terms.associationTerms(ola, DEMO.solbakken))).toMatchObject({ code: 'FORBIDDEN' });
    await expect(terms.associationTerms(operator, DEMO.solbakken)).resolves.toMatchObject({ current: { version: '2026-01' } });
  });

  it('records who accepted for the association, once: accepting again returns the first acceptance', async () => {
    await accept('2026-01');
    const first = (await accept('2027-01')).acceptance;
    expect(first).toMatchObject({ version: '2027-01', acceptedByName: 'Kari Nordmann', recordedByMemberId: DEMO.kari, recordedByAccountId: kari.accountId });
    now = new Date(now.getTime() + 60_000);
    const again = (await accept('2027-01')).acceptance;
    expect(again).toEqual(first);
    expect(await terms.associationTerms(kari, DEMO.solbakken)).toMatchObject({ currentAccepted: true, pending: { accepted: true }, mustAcceptBy: null });
    expect((await terms.associationTerms(kari, DEMO.solbakken)).accepted).toHaveLength(2);
  });

  it('takes the new version into effect on its day in Oslo', async () => {
    now = new Date('2027-01-05T23:00:00Z'); // 6 January, midnight in Oslo
    expect(await terms.associationTerms(operator, DEMO.solbakken)).toMatchObject({ current: { version: '2027-01' }, pending: null });
    // 2026-01 is superseded now: an association that never accepted it cannot accept it any more.
    await bed.db.system((tx) => tx.execute(sql`delete from members.terms_acceptances where association_id = ${DEMO.fjordly}`));
    expect(await errorOf(accept('2026-01', viewerOf(DEMO.fjordly, DEMO.eva, 'board'), DEMO.fjordly))).toEqual({ code: 'BAD_USER_INPUT', field: 'version' });
  });

  it("lets only the association's own board accept; an unknown version is NOT_FOUND", async () => {
    expect(await errorOf(accept('1999-01'))).toMatchObject({ code: 'NOT_FOUND' });
    expect(await errorOf(accept('2027-01', null))).toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(await errorOf(accept('2027-01', ola))).toMatchObject({ code: 'FORBIDDEN' });
    expect(await errorOf(accept('2027-01', operator))).toMatchObject({ code: 'FORBIDDEN' });
    expect(await errorOf(accept('2027-01', viewerOf(DEMO.fjordly, DEMO.eva, 'board')))).toMatchObject({ code: 'NOT_FOUND' });
  });
});
