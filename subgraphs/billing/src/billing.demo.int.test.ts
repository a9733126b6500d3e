import { randomUUID } from 'node:crypto';
import { todayIn } from '@tunet/kit';
import { BillingSweeps } from './sweeps/sweeps.service';
import { openBillingTestBed, operatorViewer, type BillingTestBed } from './billing.fixtures';
import { loadDemoBilling } from './billing.demo';

let bed: BillingTestBed;

beforeAll(async () => {
  bed = await openBillingTestBed();
  // The demo's dates count from the real today.
  bed.setToday(todayIn('Europe/Oslo'));
});

afterAll(() => bed.close());

describe('billing demo data', () => {
  const demo = { solbakken: randomUUID(), operator: randomUUID() };

  it('subscribes Solbakken to the operations center and SMS, paid, and to extra storage with an invoice past its due date', async () => {
    expect(await loadDemoBilling(bed.subgraph, demo)).toBe(true);
    expect(await loadDemoBilling(bed.subgraph, demo)).toBe(false);

    const subscriptions = await bed.subgraph.subscriptionsRepository.list(demo.solbakken);
    expect(subscriptions.map((s) => [s.feature, s.status]).sort()).toEqual([
      ['extraStorage', 'active'],
      ['operationsCenter', 'active'],
      ['sms', 'active'],
    ]);
    const overdue = await bed.subgraph.invoices.list(operatorViewer(), demo.solbakken, { status: 'overdue' });
    expect(overdue.nodes.map((invoice) => [invoice.feature, invoice.amountOre])).toEqual([['extraStorage', 9_900]]);
    const unpaid = await bed.subgraph.invoices.list(operatorViewer(), demo.solbakken, { status: 'unpaid' });
    expect(unpaid.nodes).toEqual([]);
  });

  it('shows the blocking path: the sweep makes extra storage past due, and blocks it after three days', async () => {
    const sweeps = new BillingSweeps(bed.subgraph.sweepsRepository, bed.store, { blockAfterDays: 3 });
    await sweeps.sweep();
    const subscriptions = await bed.subgraph.subscriptionsRepository.list(demo.solbakken);
    expect(subscriptions.map((s) => [s.feature, s.status]).sort()).toEqual([
      ['extraStorage', 'blocked'],
      ['operationsCenter', 'active'],
      ['sms', 'active'],
    ]);
  });
});
