import { randomUUID } from 'node:crypto';
import { associationProfile } from '../associations/association-profiles.fixtures';
import { openBillingTestBed, operatorViewer, viewerIn, type BillingTestBed } from '../billing.fixtures';

describe('Association.billingAudit', () => {
  let bed: BillingTestBed;
  const A = randomUUID();
  const boardA = viewerIn(A, 'board');

  beforeAll(async () => {
    bed = await openBillingTestBed();
    bed.profiles.set(associationProfile(A));
    bed.setToday('2026-03-10');
    const { subscriptions } = bed.subgraph;
    await subscriptions.subscribeToFeature(boardA, { associationId: A, feature: 'sms' });
    await subscriptions.cancelSubscription(boardA, { associationId: A, feature: 'sms' });
    await subscriptions.subscribeToFeature(boardA, { associationId: A, feature: 'sms' });
  }, 120_000);
  afterAll(() => bed?.close());

  const audit = () => bed.subgraph.definition.createContext({ viewer: boardA, requestId: 'test', clientIp: '' }).audit;

  it('pages through every change, newest first, with who made it', async () => {
    const first = await audit().page(boardA, A, { first: 2 });
    expect(first.nodes.map((entry) => entry.action)).toEqual(['subscription.resumed', 'subscription.cancelled']);
    expect(first.nodes[0]).toMatchObject({ actor: 'board', actorAccountId: boardA.accountId, actorMemberId: boardA.memberId });
    expect(first.pageInfo.hasNextPage).toBe(true);
    const rest = await audit().page(boardA, A, { first: 2, after: first.pageInfo.endCursor });
    expect(rest.nodes.map((entry) => entry.action)).toEqual(['subscription.started']);
    expect(rest.pageInfo.hasNextPage).toBe(false);
  });

  it('shows it to the board and operators only, and refuses a forged cursor', async () => {
    await expect(audit().page(operatorViewer(), A, {})).resolves.toMatchObject({ nodes: expect.any(Array) });
    await expect(audit().page(viewerIn(A, 'resident'), A, {})).rejects.toMatchObject({ extensions: { code: 'FORBIDDEN' } });
    await expect(audit().page(viewerIn(randomUUID(), 'board'), A, {})).rejects.toMatchObject({ extensions: { code: 'FORBIDDEN' } });
    await expect(audit().page(boardA, A, { after: 'bm90IGEgY3Vyc29y' })).rejects.toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: 'after' } });
  });
});
