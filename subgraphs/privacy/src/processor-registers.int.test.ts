import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { SubgraphDatabase, Viewer } from '@tunet/kit';
import { openTestDatabase, viewerIn, type TestDatabase } from '@tunet/kit/src/kit.fixtures';
import { breachesPrivacyPart } from './breaches/breaches-privacy.repository';
import { BreachesRepository } from './breaches/breaches.repository';
import { BreachesService } from './breaches/breaches.service';
import { recordsMarkdown } from './records/records.rules';
import { RecordsService } from './records/records.service';
import { SignedCurrentAssociations, type CurrentAssociation, type CurrentAssociations } from './subprocessors/current-associations';
import { SignedControllerProfiles } from './records/controller-profiles';
import { subprocessorsPrivacyPart } from './subprocessors/subprocessors-privacy.repository';
import { SubprocessorsRepository } from './subprocessors/subprocessors.repository';
import { SubprocessorsService } from './subprocessors/subprocessors.service';

type Outboxed = { topic: string; association_id: string; payload: Record<string, unknown> };

/** Code and field of a refused call. */
async function errorOf(promise: Promise<unknown>): Promise<Record<string, unknown>> {
  try {
    await promise;
  } catch (error) {
    const { code, field } = (error as { extensions: Record<string, unknown> }).extensions;
    return field === undefined ? { code } : { code, field };
  }
  throw new Error('expected a refusal');
}

describe('processor registers with an injected clock (decision 0040)', () => {
  let database: TestDatabase;
  let db: SubgraphDatabase;
  let now = new Date('2026-12-06T09:00:00Z');
  const clock = () => now;
  const [solbakken, fjordly, nyheim] = [randomUUID(), randomUUID(), randomUUID()];
  const current: CurrentAssociation[] = [solbakken, fjordly].map((associationId) => ({ associationId, name: associationId }));
  const associations: CurrentAssociations = { list: async () => current };
  const operator: Viewer = { accountId: randomUUID(), associationId: null, memberId: null, role: null, platformAdmin: true, sessionId: null };
  const solbakkenBoard = viewerIn(solbakken, 'board');
  const fjordlyBoard = viewerIn(fjordly, 'board');
  let subprocessors: SubprocessorsService;
  let breaches: BreachesService;
  let records: RecordsService;
  let clocksAfterErasure: () => Promise<string[][] | undefined>;
  const events = async (topic: string) =>
    db.system(
      async (tx) =>
        ((await tx.execute(sql`select topic, association_id, payload from privacy.outbox where topic = ${topic} order by id`)) as { rows: Outboxed[] }).rows,
    );
  const hoursLater = (from: Date, hours: number) => new Date(from.getTime() + hours * 3_600_000);

  beforeAll(async () => {
    database = await openTestDatabase();
    db = database.connection.forSubgraph('privacy', path.resolve(__dirname, '../migrations'));
    await db.migrate();
    subprocessors = new SubprocessorsService(new SubprocessorsRepository(db), associations, clock);
    breaches = new BreachesService(new BreachesRepository(db), associations, clock);
    const profiles = {
      profile: async (id: string) =>
        id === solbakken ? { name: 'Solbakken borettslag', orgNumber: '987654325', contactEmail: 'styret@solbakken.example', timeZone: 'Europe/Oslo' } : null,
    };
    const processor = { name: 'Tunet', organisationNumber: null, contactName: null, contactEmail: null };
    records = new RecordsService(db, new SubprocessorsRepository(db), profiles, processor, clock);
  }, 120_000);
  afterAll(() => database.drop());

  describe('sub-processors', () => {
    const sms = {
      change: 'ADDED',
      name: 'Example SMS AS',
      purposeNb: 'Sender SMS-varsler.',
      purposeEn: 'Sends SMS notifications.',
      country: 'Norway',
      dataCategories: ['phone number', 'message text'],
      transferMechanism: 'None needed (EEA)',
    };

    it('starts with the push services and tells every association of a change 14 days ahead, in force from that day', async () => {
      now = new Date('2026-12-06T09:00:00Z');
      const names = async () => (await subprocessors.inForce(solbakkenBoard)).map((s) => s.name);
      expect(await names()).toEqual([
        'Apple Push Notification service (Apple Inc.)',
        'Browser push services (Mozilla, Google, Apple, Microsoft)',
        'Google Firebase Cloud Messaging (Google LLC)',
      ]);
      expect(await errorOf(subprocessors.announce(operator, { ...sms, effectiveOn: '2026-12-19' }))).toEqual({ code: 'BAD_USER_INPUT', field: 'effectiveOn' });
      const { change, notifiedAssociations } = await subprocessors.announce(operator, { ...sms, effectiveOn: '2026-12-20' });
      expect(notifiedAssociations).toBe(2);
      expect(change).toMatchObject({ change: 'added', objectionDeadline: '2026-12-13', emergency: false });
      const announced = await events('subprocessor.change_announced');
      expect(announced.map((e) => e.association_id).sort()).toEqual([solbakken, fjordly].sort());
      expect(announced[0]!.payload).toMatchObject({ changeId: change.id, subprocessor: 'Example SMS AS', change: 'added', effectiveOn: '2026-12-20' });

      expect(await names()).not.toContain('Example SMS AS');
      now = new Date('2026-12-19T22:59:00Z'); // 23:59 on the 19th in Oslo
      expect(await names()).not.toContain('Example SMS AS');
      now = new Date('2026-12-19T23:00:00Z'); // midnight: the 20th in Oslo
      expect(await names()).toContain('Example SMS AS');
    });

    it('keeps history: a change appends a version, the old one stays in force until the new one takes effect', async () => {
      now = new Date('2026-12-21T09:00:00Z');
      const [added] = (await subprocessors.history(operator, { first: 1 })).nodes;
      await subprocessors.announce(operator, { change: 'CHANGED', subprocessorId: added!.subprocessorId, country: 'Sweden', effectiveOn: '2027-01-04' });
      const history = (await subprocessors.history(solbakkenBoard, { first: 10 })).nodes.filter((c) => c.subprocessorId === added!.subprocessorId);
      expect(history.map((c) => [c.change, c.country, c.name])).toEqual([
        ['changed', 'Sweden', 'Example SMS AS'],
        ['added', 'Norway', 'Example SMS AS'],
      ]);
      expect((await subprocessors.inForce(solbakkenBoard)).find((s) => s.subprocessorId === added!.subprocessorId)?.country).toBe('Norway');
    });

    it('lets an emergency take effect at once only with a reason', async () => {
      now = new Date('2026-12-21T09:00:00Z');
      const [fcm] = (await subprocessors.inForce(operator)).filter((s) => s.name.startsWith('Google'));
      const removal = { change: 'REMOVED', subprocessorId: fcm!.subprocessorId, effectiveOn: '2026-12-21' };
      expect(await errorOf(subprocessors.announce(operator, { ...removal, emergency: true }))).toEqual({ code: 'BAD_USER_INPUT', field: 'reason' });
      await subprocessors.announce(operator, { ...removal, emergency: true, reason: 'The service was compromised; we stop using it today.' });
      expect((await subprocessors.inForce(operator)).map((s) => s.name)).not.toContain(fcm!.name);
      expect(await errorOf(subprocessors.announce(operator, { ...removal, effectiveOn: '2027-02-01' }))).toEqual({ code: 'CONFLICT' });
      expect(await errorOf(subprocessors.announce(operator, { ...removal, subprocessorId: randomUUID(), effectiveOn: '2027-02-01' }))).toEqual({
        code: 'NOT_FOUND',
      });
    });

    it('answers SERVICE_UNAVAILABLE, announcing nothing, while members does not answer', async () => {
      const down = () => 'http://127.0.0.1:9/graphql';
      const cut = new SubprocessorsService(new SubprocessorsRepository(db), new SignedCurrentAssociations(down, 'secret'), clock);
      const before = (await events('subprocessor.change_announced')).length;
      const refused = cut.announce(operator, { ...sms, name: 'Never AS', effectiveOn: '2030-01-01' });
      await expect(refused).rejects.toMatchObject({ extensions: { code: 'SERVICE_UNAVAILABLE', serviceName: 'members' } });
      expect((await events('subprocessor.change_announced')).length).toBe(before);
      expect((await subprocessors.history(operator, { first: 100 })).nodes.map((c) => c.name)).not.toContain('Never AS');
      await expect(new SignedControllerProfiles(down, 'secret').profile(solbakken)).rejects.toMatchObject({ extensions: { code: 'SERVICE_UNAVAILABLE' } });
    });

    it('takes one objection per association within 7 days; operators see all, a board its own', async () => {
      now = new Date('2026-12-22T09:00:00Z');
      const { change } = await subprocessors.announce(operator, { ...sms, name: 'Example e-mail AS', effectiveOn: '2027-01-05' });
      expect(change.objectionDeadline).toBe('2026-12-29');
      const reason = 'We do not want our residents’ data in another country.';
      await subprocessors.object(solbakkenBoard, { changeId: change.id, reason });
      expect(await errorOf(subprocessors.object(solbakkenBoard, { changeId: change.id, reason }))).toEqual({ code: 'CONFLICT' });
      expect(await errorOf(subprocessors.object(viewerIn(solbakken, 'resident'), { changeId: change.id, reason }))).toEqual({ code: 'FORBIDDEN' });
      expect(await errorOf(subprocessors.object(solbakkenBoard, { changeId: randomUUID(), reason }))).toEqual({ code: 'NOT_FOUND' });
      now = new Date('2026-12-29T22:59:00Z'); // the 29th, 23:59 in Oslo
      await subprocessors.object(fjordlyBoard, { changeId: change.id, reason });
      now = new Date('2026-12-29T23:00:00Z');
      expect(await errorOf(subprocessors.object(viewerIn(nyheim, 'board'), { changeId: change.id, reason }))).toEqual({ code: 'CONFLICT' });

      expect((await subprocessors.objections(operator, change.id)).map((o) => o.associationId).sort()).toEqual([solbakken, fjordly].sort());
      expect((await subprocessors.objections(fjordlyBoard, change.id)).map((o) => o.associationId)).toEqual([fjordly]);
      expect(await errorOf(subprocessors.objections(viewerIn(fjordly, 'resident'), change.id))).toEqual({ code: 'FORBIDDEN' });
    });
  });

  describe('breaches', () => {
    const suspectedAt = new Date('2027-01-10T08:00:00Z');
    const record = () =>
      breaches.record(operator, {
        suspectedAt,
        description: 'A backup was readable without a password for two hours.',
        dataCategories: ['names', 'e-mail addresses'],
        associationIds: [solbakken, fjordly],
      });
    clocksAfterErasure = async () =>
      (await breaches.ofAssociation(solbakkenBoard, solbakken, {})).nodes.find((n) => n.reportedToAuthorityAt)?.clocks.map((c) => [c.kind, c.state]);
    const clocks = async (viewer: Viewer, associationId: string, breachId: string) =>
      (await breaches.ofAssociation(viewer, associationId, {})).nodes.find((n) => n.breachId === breachId)?.clocks.map((c) => [c.kind, c.state]);

    it('refuses associations that are not current and a suspicion in the future', async () => {
      now = new Date('2027-01-10T09:00:00Z');
      const input = { suspectedAt, description: 'x', dataCategories: ['names'] };
      expect(await errorOf(breaches.record(operator, { ...input, associationIds: [nyheim] }))).toEqual({ code: 'BAD_USER_INPUT', field: 'associationIds' });
      expect(await errorOf(breaches.record(operator, { ...input, associationIds: [solbakken], suspectedAt: new Date('2027-01-11T00:00:00Z') }))).toEqual({
        code: 'BAD_USER_INPUT',
        field: 'suspectedAt',
      });
      expect(await errorOf(breaches.record(solbakkenBoard, { ...input, associationIds: [solbakken] }))).toEqual({ code: 'FORBIDDEN' });
    });

    it("announces the provider's 24-hour clock overdue once, and the association's 72-hour clock from when it was told", async () => {
      now = new Date('2027-01-10T09:00:00Z');
      const breach = await record();
      expect(breach.notices.map((n) => n.clocks[0]!.state)).toEqual(['RUNNING', 'RUNNING']);
      // Untold, the board does not see it yet.
      expect(await clocks(solbakkenBoard, solbakken, breach.id)).toBeUndefined();

      now = hoursLater(suspectedAt, 23.9);
      expect(await breaches.sweep()).toBe(0);
      now = hoursLater(suspectedAt, 24);
      expect(await breaches.sweep()).toBe(2);
      expect(await breaches.sweep()).toBe(0);
      const overdue = (await events('breach.clock_overdue')).filter((e) => e.payload.breachId === breach.id);
      expect(overdue.map((e) => [e.association_id, e.payload.clock, e.payload.dueAt]).sort()).toEqual(
        [solbakken, fjordly].map((a) => [a, 'notify_association', hoursLater(suspectedAt, 24).toISOString()]).sort(),
      );

      now = hoursLater(suspectedAt, 26);
      const told = await breaches.notify(operator, { breachId: breach.id });
      expect(told.notices.map((n) => n.clocks.map((c) => c.state))).toEqual([
        ['LATE', 'RUNNING'],
        ['LATE', 'RUNNING'],
      ]);
      expect(await errorOf(breaches.notify(operator, { breachId: breach.id }))).toEqual({ code: 'CONFLICT' });
      const notified = (await events('breach.notified')).filter((e) => e.payload.breachId === breach.id);
      expect(notified).toHaveLength(2);
      expect(notified[0]!.payload).toMatchObject({ notifiedAt: now.toISOString(), authorityDeadline: hoursLater(now, 72).toISOString() });

      // Solbakken's board reports in time; Fjordly's does nothing.
      now = hoursLater(suspectedAt, 30);
      expect(await errorOf(breaches.recordAuthorityReport(solbakkenBoard, { breachId: breach.id }))).toEqual({ code: 'BAD_USER_INPUT', field: 'reportedAt' });
      expect(await errorOf(breaches.recordAuthorityReport(solbakkenBoard, { breachId: breach.id, reportedAt: hoursLater(suspectedAt, 25) }))).toEqual({
        code: 'BAD_USER_INPUT',
        field: 'reportedAt',
      });
      const reported = await breaches.recordAuthorityReport(solbakkenBoard, { breachId: breach.id, reportedAt: hoursLater(suspectedAt, 29) });
      expect(reported.clocks.map((c) => c.state)).toEqual(['LATE', 'DONE']);
      expect(await errorOf(breaches.recordAuthorityReport(solbakkenBoard, { breachId: breach.id, notReportableReason: 'No risk to anyone at all.' }))).toEqual({
        code: 'CONFLICT',
      });
      expect(
        await errorOf(breaches.recordAuthorityReport(viewerIn(nyheim, 'board'), { breachId: breach.id, notReportableReason: 'Not ours at all.' })),
      ).toEqual({ code: 'NOT_FOUND' });

      now = hoursLater(suspectedAt, 26 + 72);
      expect(await breaches.sweep()).toBe(1);
      expect(await breaches.sweep()).toBe(0);
      const authority = (await events('breach.clock_overdue')).filter((e) => e.payload.breachId === breach.id && e.payload.clock === 'notify_authority');
      expect(authority.map((e) => e.association_id)).toEqual([fjordly]);
      expect(await clocks(fjordlyBoard, fjordly, breach.id)).toEqual([
        ['NOTIFY_ASSOCIATION', 'LATE'],
        ['NOTIFY_AUTHORITY', 'OVERDUE'],
      ]);
      expect(await clocks(solbakkenBoard, solbakken, breach.id)).toEqual([
        ['NOTIFY_ASSOCIATION', 'LATE'],
        ['NOTIFY_AUTHORITY', 'DONE'],
      ]);
      // A board sees its own association's notices only; operators every breach.
      expect(await errorOf(breaches.ofAssociation(fjordlyBoard, solbakken, {}))).toEqual({ code: 'FORBIDDEN' });
      const listed = (await breaches.list(operator, {})).nodes.find((b) => b.id === breach.id);
      expect(listed?.notices.map((n) => n.associationId).sort()).toEqual([solbakken, fjordly].sort());
    });

    it('announces each clock once when two sweeps race', async () => {
      now = new Date('2027-02-01T09:00:00Z');
      const breach = await breaches.record(operator, {
        suspectedAt: new Date('2027-02-01T08:00:00Z'),
        description: 'Race',
        dataCategories: ['names'],
        associationIds: [solbakken, fjordly],
      });
      now = new Date('2027-02-02T09:00:00Z');
      const swept = await Promise.all([breaches.sweep(), breaches.sweep()]);
      expect(swept[0] + swept[1]).toBe(2);
      expect((await events('breach.clock_overdue')).filter((e) => e.payload.breachId === breach.id)).toHaveLength(2);
    });
  });

  describe("the board member's personal data in the registers", () => {
    it('exports the objections and reports a board member made, and erasure cuts their name, once', async () => {
      const subject = { requestId: randomUUID(), associationId: solbakken, memberId: solbakkenBoard.memberId };
      const policy = { keepContent: [], tombstoneMemberId: randomUUID(), reason: 'request' as const };
      const parts = [subprocessorsPrivacyPart, breachesPrivacyPart];
      const exported = await db.tenant(solbakken, async (tx) => Object.assign({}, ...(await Promise.all(parts.map((p) => p.export(tx, subject))))));
      expect(exported.subprocessor_objections).toHaveLength(1);
      expect(exported.breach_notices).toHaveLength(1);
      // Another association's member id finds nothing there.
      const elsewhere = await db.tenant(fjordly, (tx) => subprocessorsPrivacyPart.export(tx, { ...subject, associationId: fjordly }));
      expect(elsewhere.subprocessor_objections).toEqual([]);
      const erase = () =>
        db.tenant(solbakken, async (tx) => [
          ...(await subprocessorsPrivacyPart.erase(tx, subject, policy)),
          ...(await breachesPrivacyPart.erase(tx, subject, policy)),
        ]);
      expect((await erase()).map((e) => [e.table, e.action, e.rows])).toEqual([
        ['subprocessor_objections', 'anonymised', 1],
        ['breach_notices', 'anonymised', 1],
      ]);
      expect((await erase()).map((e) => e.rows)).toEqual([0, 0]);
      // The association's objection and its record towards Datatilsynet stay.
      expect(await clocksAfterErasure()).toEqual([
        ['NOTIFY_ASSOCIATION', 'LATE'],
        ['NOTIFY_AUTHORITY', 'DONE'],
      ]);
    });
  });

  describe('records of processing activities', () => {
    it('gives the board its purposes with lawful bases, the sub-processors in force and the controller; operators only in a support session', async () => {
      now = new Date('2027-03-01T09:00:00Z');
      const document = await records.forViewer(solbakkenBoard, solbakken);
      expect(document.controller).toEqual({
        name: 'Solbakken borettslag',
        organisationNumber: '987654325',
        contactName: null,
        contactEmail: 'styret@solbakken.example',
      });
      expect(document.activities.find((a) => a.key === 'member_directory')).toMatchObject({ lawfulBasis: 'contract' });
      expect(document.recipients.map((r) => r.name)).toContain('Apple Push Notification service (Apple Inc.)');
      // The SMS provider announced earlier is in force by now, FCM was removed in an emergency.
      expect(document.recipients.map((r) => r.name)).toContain('Example SMS AS');
      expect(document.recipients.map((r) => r.name)).not.toContain('Google Firebase Cloud Messaging (Google LLC)');
      expect(document.retentionMonthsAfterMoveOut).toBe(12);
      expect(recordsMarkdown(document, 'en')).toContain('## Controller\n- Solbakken borettslag');
      // An operator enters an association only through a support session the board sees (decision 0030).
      const inSupport = (associationId: string): Viewer => ({ ...operator, associationId, support: { expiresAt: '2027-03-01T10:00:00Z' } });
      expect(await errorOf(records.forViewer(operator, solbakken))).toEqual({ code: 'FORBIDDEN' });
      expect((await records.forViewer(inSupport(solbakken), solbakken)).controller.name).toBe('Solbakken borettslag');
      expect(await errorOf(records.forViewer(inSupport(fjordly), solbakken))).toEqual({ code: 'FORBIDDEN' });
      expect(await errorOf(records.forViewer(viewerIn(solbakken, 'resident'), solbakken))).toEqual({ code: 'FORBIDDEN' });
      expect(await errorOf(records.forViewer(fjordlyBoard, solbakken))).toEqual({ code: 'FORBIDDEN' });
      expect(await errorOf(records.forViewer(inSupport(nyheim), nyheim))).toEqual({ code: 'NOT_FOUND' });
    });
  });
});
