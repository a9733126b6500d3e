import { randomUUID } from 'node:crypto';
import { openEventStream, type ContractEvent } from '@tunet/kit';
import type { TunetEvents } from '@tunet/events';
import { associationProfile } from '../associations/association-profiles.fixtures';
import { eventsOf, openBillingTestBed, rowCounts, viewerIn, type BillingTestBed } from '../billing.fixtures';
import { associationTerminations } from './subscriptions.terminations';

const terminated = (associationId: string, terminatedOn: string): ContractEvent<TunetEvents, 'association.terminated'> => ({
  eventId: randomUUID(),
  topic: 'association.terminated',
  associationId,
  occurredAt: new Date(),
  payload: { terminationId: randomUUID(), terminatedOn, initiatedBy: 'board', timeZone: 'Europe/Oslo' },
});

/** An association whose agreement ended is not renewed or invoiced any more (review of issue 13). */
describe('an association whose agreement ended', () => {
  let bed: BillingTestBed;

  beforeAll(async () => {
    bed = await openBillingTestBed({ blockAfterDays: 14 });
  }, 120_000);
  afterAll(() => bed?.close());

  const sweepOn = (date: string) => {
    bed.setToday(date);
    return bed.subgraph.sweeps.sweep();
  };

  it('hears association.terminated through the stream: every add-on ends at once, and nothing renews or is invoiced after', async () => {
    const A = randomUUID();
    bed.profiles.set(associationProfile(A));
    const board = viewerIn(A, 'board');
    bed.setToday('2026-01-01');
    await bed.subgraph.subscriptions.subscribeToFeature(board, { associationId: A, feature: 'sms' });
    await bed.subgraph.subscriptions.subscribeToFeature(board, { associationId: A, feature: 'extraStorage' });
    bed.setToday('2026-01-20');

    const stream = openEventStream({ kind: 'memory', namespace: `billing-terminations-${randomUUID()}` });
    const job = associationTerminations(stream, bed.subgraph.db, bed.subgraph.subscriptions, { consumer: 'test', blockMs: 20 });
    job.start();
    try {
      // The group exists once the consumer has joined; events appended before that would start past it.
      await new Promise((resolve) => setTimeout(resolve, 100));
      await stream.append([terminated(A, '2026-01-20')]);
      const deadline = Date.now() + 5_000;
      while ((await bed.subgraph.entitlements.of(A)).features.length > 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    } finally {
      await job.stop();
    }
    expect((await bed.subgraph.entitlements.of(A)).features).toEqual(['base']);
    const subscriptions = await bed.subgraph.subscriptionsRepository.list(A);
    expect(subscriptions.map((s) => [s.feature, s.status, s.endReason])).toEqual([
      ['extraStorage', 'cancelled', 'cancelled'],
      ['sms', 'cancelled', 'cancelled'],
    ]);
    const disabled = (await eventsOf(bed, A)).filter((event) => event.topic === 'feature.disabled');
    expect(disabled.map((event) => event.payload.feature).sort()).toEqual(['extraStorage', 'sms']);

    const before = await rowCounts(bed, A);
    for (const date of ['2026-02-01', '2026-03-01', '2026-04-01']) await sweepOn(date);
    expect(await rowCounts(bed, A)).toEqual(before);
  });

  it('changes nothing when the event comes again', async () => {
    const A = randomUUID();
    bed.profiles.set(associationProfile(A));
    bed.setToday('2026-06-01');
    await bed.subgraph.subscriptions.subscribeToFeature(viewerIn(A, 'board'), { associationId: A, feature: 'sms' });
    const event = terminated(A, '2026-06-10');
    expect(await bed.subgraph.subscriptions.endForTerminatedAssociation(A, event.payload.terminationId)).toBe(1);
    expect(await bed.subgraph.subscriptions.endForTerminatedAssociation(A, event.payload.terminationId)).toBe(0);
    expect((await eventsOf(bed, A)).filter((e) => e.topic === 'feature.disabled')).toHaveLength(1);
  });
});
