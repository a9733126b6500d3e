import { randomUUID } from 'node:crypto';
import { arrangeInvoice, arrangeSubscription, openBillingTestBed, operatorViewer, viewerIn, type BillingTestBed } from '../billing.fixtures';

let bed: BillingTestBed;

beforeAll(async () => {
  bed = await openBillingTestBed();
});

afterAll(() => bed.close());

describe("an association's invoices", () => {
  const associationId = randomUUID();
  const board = viewerIn(associationId, 'board');
  let ids: { march: string; april: string; may: string };

  beforeAll(async () => {
    const sms = await arrangeSubscription(bed, associationId, { start: '2026-03-01' });
    const march = await arrangeInvoice(bed, sms, '2026-03-01');
    const april = await arrangeInvoice(bed, { ...sms, periodStart: '2026-04-01', periodEnd: '2026-05-01' });
    const may = await arrangeInvoice(bed, { ...sms, periodStart: '2026-05-01', periodEnd: '2026-06-01' });
    ids = { march: march.id, april: april.id, may: may.id };
    bed.setToday('2026-05-05');
    await bed.subgraph.invoices.markPaid(operatorViewer(), { invoiceId: march.id, paidOn: '2026-03-10' });
  });

  it('lists them newest first, page by page, for the board', async () => {
    const first = await bed.subgraph.invoices.list(board, associationId, { first: 2 });
    expect(first.nodes.map((invoice) => invoice.id)).toEqual([ids.may, ids.april]);
    expect(first.pageInfo.hasNextPage).toBe(true);
    const second = await bed.subgraph.invoices.list(board, associationId, { first: 2, after: first.pageInfo.endCursor });
    expect(second.nodes.map((invoice) => invoice.id)).toEqual([ids.march]);
    expect(second.pageInfo.hasNextPage).toBe(false);
  });

  it('keeps paid, unpaid or overdue ones as of today', async () => {
    const only = async (status: 'paid' | 'unpaid' | 'overdue') => (await bed.subgraph.invoices.list(board, associationId, { status })).nodes.map((i) => i.id);
    expect(await only('paid')).toEqual([ids.march]);
    expect(await only('overdue')).toEqual([ids.april]);
    expect(await only('unpaid')).toEqual([ids.may]);
  });

  it('shows them to operators, and to no resident, integration or other association', async () => {
    expect((await bed.subgraph.invoices.list(operatorViewer(), associationId, {})).nodes).toHaveLength(3);
    for (const viewer of [viewerIn(associationId, 'resident'), viewerIn(randomUUID(), 'board')]) {
      await expect(bed.subgraph.invoices.list(viewer, associationId, {})).rejects.toMatchObject({ extensions: { code: 'FORBIDDEN' } });
    }
    await expect(bed.subgraph.invoices.list(null, associationId, {})).rejects.toMatchObject({ extensions: { code: 'UNAUTHENTICATED' } });
  });

  it('refuses a forged cursor and a page too large', async () => {
    await expect(bed.subgraph.invoices.list(board, associationId, { after: 'bm90IGEgY3Vyc29y' })).rejects.toMatchObject({
      extensions: { code: 'BAD_USER_INPUT', field: 'after' },
    });
    await expect(bed.subgraph.invoices.list(board, associationId, { first: 1000 })).rejects.toMatchObject({
      extensions: { code: 'BAD_USER_INPUT', field: 'first' },
    });
  });

  it('refuses a payment note over 500 characters', async () => {
    await expect(bed.subgraph.invoices.markPaid(operatorViewer(), { invoiceId: ids.may, paidOn: '2026-05-05', note: 'x'.repeat(501) })).rejects.toMatchObject({
      extensions: { code: 'BAD_USER_INPUT', field: 'note' },
    });
  });
});
