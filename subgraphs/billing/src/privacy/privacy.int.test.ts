import { randomUUID } from 'node:crypto';
import {
  PRIVACY_ERASE_ASSOCIATION_ROUTE,
  PRIVACY_ERASE_ROUTE,
  PRIVACY_EXPORT_ASSOCIATION_ROUTE,
  PRIVACY_EXPORT_ROUTE,
  type PrivacyEraseAnswer,
  type PrivacyExportAnswer,
  type RequestContext,
} from '@tunet/kit';
import { runRetention, todayIn } from '@tunet/kit';
import { eq, sql } from 'drizzle-orm';
import { writeAudit } from '../audit/audit.repository';
import { associationProfile } from '../associations/association-profiles.fixtures';
import { arrangeInvoice, arrangeSubscription, openBillingTestBed, type BillingTestBed } from '../billing.fixtures';
import { auditLog, invoices, subscriptions } from '../tables';
import { PERSONAL_DATA } from './personal-data';
import { INVOICES_PURGE, purgeExpiredInvoices } from './privacy.repository';

describe("billing's privacy routes", () => {
  let bed: BillingTestBed;
  const fromProcess: RequestContext = { viewer: null, requestId: 'test', clientIp: '' };
  const ask = <T>(route: string, body: unknown) => bed.subgraph.definition.internalRoutes![route]!(body, fromProcess) as Promise<T>;
  const exportOf = (associationId: string, memberId: string) =>
    ask<PrivacyExportAnswer>(PRIVACY_EXPORT_ROUTE, { kind: 'privacy.export', requestId: randomUUID(), associationId, memberId });
  const erase = (associationId: string, memberId: string) =>
    ask<PrivacyEraseAnswer>(PRIVACY_ERASE_ROUTE, {
      kind: 'privacy.erase',
      requestId: randomUUID(),
      associationId,
      memberId,
      policy: { keepContent: [], tombstoneMemberId: randomUUID(), reason: 'request' },
    });
  const rowsIn = (receipt: PrivacyEraseAnswer['receipt']) => receipt.map((entry) => `${entry.table} ${entry.action} ${entry.rows}`);
  const catalogue = Object.keys(PERSONAL_DATA).sort();

  beforeAll(async () => {
    bed = await openBillingTestBed();
  });
  afterAll(() => bed.close());

  /** A board member who started an add-on and cancelled it, with the audit entries the flows write; and its invoice. */
  async function boardMemberWithAddOn(associationId: string, feature = 'sms') {
    const board = { kind: 'board' as const, accountId: randomUUID(), memberId: randomUUID() };
    const started = await arrangeSubscription(bed, associationId, { feature });
    await bed.subgraph.db.tenant(associationId, async (tx) => {
      const [mine] = await tx.update(subscriptions).set({ createdBy: board.accountId }).where(eq(subscriptions.id, started.id)).returning();
      await writeAudit(tx, { associationId, by: board, action: 'subscription.started', subject: `subscription:${started.id}`, before: null, after: mine! });
      const [cancelled] = await tx
        .update(subscriptions)
        .set({ cancelledBy: board.accountId, autoRenew: false })
        .where(eq(subscriptions.id, started.id))
        .returning();
      await writeAudit(tx, {
        associationId,
        by: board,
        action: 'subscription.cancelled',
        subject: `subscription:${started.id}`,
        before: mine!,
        after: cancelled!,
      });
    });
    const invoice = await arrangeInvoice(bed, started, '2026-01-01');
    return { ...board, subscriptionId: started.id, invoiceId: invoice.id };
  }

  const auditOf = (associationId: string) =>
    bed.subgraph.db.tenant(associationId, (tx) => tx.select().from(auditLog).where(eq(auditLog.associationId, associationId)));

  it('exports the entries and add-ons that name the person, and nothing of another association', async () => {
    const associationId = randomUUID();
    const kari = await boardMemberWithAddOn(associationId);
    await boardMemberWithAddOn(associationId, 'operationsCenter');

    const answer = await exportOf(associationId, kari.memberId);

    expect(answer.receipt.map((entry) => entry.table).sort()).toEqual(catalogue);
    expect(rowsIn(answer.receipt)).toEqual(['audit_log exported 2', 'subscriptions exported 1', 'invoices exported 0']);
    expect(answer.tables.subscriptions).toEqual([expect.objectContaining({ id: kari.subscriptionId, created_by: kari.accountId })]);
    expect((await exportOf(randomUUID(), kari.memberId)).receipt.every((entry) => entry.rows === 0)).toBe(true);
  });

  it("removes the person from the association's billing records and keeps the records; a second erase changes nothing", async () => {
    const associationId = randomUUID();
    const kari = await boardMemberWithAddOn(associationId);
    const neighbour = await boardMemberWithAddOn(associationId, 'operationsCenter');

    const first = await erase(associationId, kari.memberId);

    expect(first.receipt.map((entry) => entry.table).sort()).toEqual(catalogue);
    expect(rowsIn(first.receipt)).toEqual(['audit_log anonymised 2', 'subscriptions anonymised 1', 'invoices kept 0']);
    const audit = await auditOf(associationId);
    expect(audit).toHaveLength(4);
    expect(JSON.stringify(audit)).not.toContain(kari.accountId);
    expect(JSON.stringify(audit)).not.toContain(kari.memberId);
    expect(JSON.stringify(audit)).toContain(neighbour.accountId);
    expect(audit.filter((entry) => entry.actorErasedAt !== null)).toHaveLength(2);
    const second = await erase(associationId, kari.memberId);
    expect(rowsIn(second.receipt)).toEqual(['audit_log anonymised 0', 'subscriptions anonymised 0', 'invoices kept 0']);
  });

  it("keeps a terminated association's invoices five years after their fiscal year, stripped, and deletes the rest", async () => {
    const associationId = randomUUID();
    const other = randomUUID();
    const kari = await boardMemberWithAddOn(associationId);
    await arrangeSubscription(bed, associationId, { feature: 'extraStorage', status: 'trial' });
    await bed.subgraph.db.tenant(associationId, (tx) =>
      tx.update(invoices).set({ markedPaidNote: 'Betalt av Kari Nordmann kontant' }).where(eq(invoices.id, kari.invoiceId)),
    );
    const elsewhere = await boardMemberWithAddOn(other);

    const exported = await ask<PrivacyExportAnswer>(PRIVACY_EXPORT_ASSOCIATION_ROUTE, {
      kind: 'privacy.export-association',
      requestId: randomUUID(),
      associationId,
    });
    expect(rowsIn(exported.receipt)).toEqual(['audit_log exported 2', 'subscriptions exported 2', 'invoices exported 1']);
    // A live association is not erased whole: only once members says its agreement ended.
    bed.profiles.set(associationProfile(associationId));
    await expect(ask(PRIVACY_ERASE_ASSOCIATION_ROUTE, { kind: 'privacy.erase-association', requestId: randomUUID(), associationId })).rejects.toMatchObject({
      status: 409,
    });
    expect(await auditOf(associationId)).toHaveLength(2);
    bed.profiles.set(associationProfile(associationId, { status: 'terminated' }));

    const erased = await ask<PrivacyEraseAnswer>(PRIVACY_ERASE_ASSOCIATION_ROUTE, {
      kind: 'privacy.erase-association',
      requestId: randomUUID(),
      associationId,
    });
    expect(rowsIn(erased.receipt)).toEqual(['audit_log erased 2', 'subscriptions erased 1', 'subscriptions kept 1', 'invoices kept 1']);
    expect(erased.receipt.find((entry) => entry.table === 'invoices')).toMatchObject({ keptUntil: '2031-12-31', lawfulBasis: 'legal_obligation' });
    const kept = await ask<PrivacyExportAnswer>(PRIVACY_EXPORT_ASSOCIATION_ROUTE, {
      kind: 'privacy.export-association',
      requestId: randomUUID(),
      associationId,
    });
    expect(kept.tables.subscriptions).toEqual([expect.objectContaining({ id: kari.subscriptionId, created_by: null, cancelled_by: null })]);
    expect(kept.tables.invoices).toEqual([expect.objectContaining({ id: kari.invoiceId, marked_paid_note: null })]);

    const again = await ask<PrivacyEraseAnswer>(PRIVACY_ERASE_ASSOCIATION_ROUTE, { kind: 'privacy.erase-association', requestId: randomUUID(), associationId });
    expect(rowsIn(again.receipt)).toEqual(['audit_log erased 0', 'subscriptions erased 0', 'subscriptions kept 1', 'invoices kept 1']);
    expect(await auditOf(other)).toHaveLength(2);
    expect((await exportOf(other, elsewhere.memberId)).receipt[0]).toMatchObject({ rows: 2 });
  });

  it('deletes invoices five years after the end of their fiscal year, logging every run; a second run the same day changes nothing', async () => {
    const associationId = randomUUID();
    const ended = await arrangeSubscription(bed, associationId, { feature: 'sms', start: '2020-01-01' });
    await arrangeInvoice(bed, ended, '2020-01-01');
    await bed.subgraph.db.tenant(associationId, (tx) =>
      tx
        .update(subscriptions)
        .set({ status: 'cancelled', endedAt: new Date('2020-02-01T00:00:00Z') })
        .where(eq(subscriptions.id, ended.id)),
    );
    const later = await arrangeInvoice(bed, await arrangeSubscription(bed, associationId, { feature: 'extraStorage', start: '2021-12-01' }), '2021-12-31');
    const purge = (day: string) =>
      runRetention(
        bed.subgraph.db,
        INVOICES_PURGE,
        () => new Date(`${day}T10:00:00Z`),
        (now) => purgeExpiredInvoices(bed.subgraph.db, todayIn('Europe/Oslo', now)),
      );
    const invoicesLeft = async () =>
      (await bed.subgraph.db.tenant(associationId, (tx) => tx.select({ id: invoices.id }).from(invoices).where(eq(invoices.associationId, associationId)))).map(
        (row) => row.id,
      );

    // 2020's invoice is kept until 31 December 2025; 2021's until 31 December 2026.
    expect(await purge('2025-12-31')).toEqual({ invoices: 0, subscriptions: 0 });
    expect(await purge('2026-06-01')).toEqual({ invoices: 1, subscriptions: 1 });
    expect(await invoicesLeft()).toEqual([later.id]);
    expect(await purge('2026-06-01')).toEqual({ invoices: 0, subscriptions: 0 });
    expect(await purge('2027-01-01')).toMatchObject({ invoices: 1 });
    expect(await invoicesLeft()).toEqual([]);
    const runs = await bed.subgraph.db.system((tx) => tx.execute(sql`select rows from billing.retention_runs where job = ${INVOICES_PURGE}`));
    expect((runs as { rows: unknown[] }).rows).toHaveLength(4);
  });

  it('deletes each expired invoice once when two replicas run the retention at the same moment, and logs both runs (decision 0061)', async () => {
    const expired = await Promise.all(
      Array.from({ length: 6 }, async () => arrangeInvoice(bed, await arrangeSubscription(bed, randomUUID(), { feature: 'sms', start: '2019-03-01' }))),
    );
    const purge = () =>
      runRetention(
        bed.subgraph.db,
        INVOICES_PURGE,
        () => new Date('2025-06-01T10:00:00Z'),
        (now) => purgeExpiredInvoices(bed.subgraph.db, todayIn('Europe/Oslo', now)),
      );
    const runsBefore = await bed.subgraph.db.system((tx) => tx.execute(sql`select count(*)::int as n from billing.retention_runs`));

    const counts = await Promise.all([purge(), purge()]);

    // 2019's invoices (the earlier case purged everything older), each deleted by one of the two passes.
    expect(counts.reduce((sum, count) => sum + count.invoices!, 0)).toBe(expired.length);
    expect(await purge()).toEqual({ invoices: 0, subscriptions: 0 });
    const runsAfter = await bed.subgraph.db.system((tx) => tx.execute(sql`select count(*)::int as n from billing.retention_runs`));
    const count = (result: unknown) => (result as { rows: { n: number }[] }).rows[0]!.n;
    expect(count(runsAfter) - count(runsBefore)).toBe(3);
  });
});
