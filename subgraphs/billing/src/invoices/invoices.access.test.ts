import { randomUUID } from 'node:crypto';
import type { Viewer } from '@tunet/kit';
import { viewerIn } from '@tunet/kit/src/kit.fixtures';
import { canMarkInvoicePaid, canReadInvoices } from './invoices.access';

const associationId = randomUUID();
const operator: Viewer = { accountId: randomUUID(), associationId: null, memberId: null, role: null, platformAdmin: true, sessionId: null };
const integration: Viewer = { ...viewerIn(associationId, 'board'), integration: { apiKeyId: randomUUID(), scopes: ['charges:read'] } };

describe('invoices access', () => {
  it('shows invoices to the board and to operators only', () => {
    expect(canReadInvoices(viewerIn(associationId, 'board'), associationId)).toBe(true);
    expect(canReadInvoices(operator, associationId)).toBe(true);
    expect(canReadInvoices(viewerIn(associationId, 'resident'), associationId)).toBe(false);
    expect(canReadInvoices(viewerIn(randomUUID(), 'board'), associationId)).toBe(false);
    expect(canReadInvoices(integration, associationId)).toBe(false);
    expect(canReadInvoices(null, associationId)).toBe(false);
  });

  it('lets only operators record a payment', () => {
    expect(canMarkInvoicePaid(operator)).toBe(true);
    expect(canMarkInvoicePaid(viewerIn(associationId, 'board'))).toBe(false);
    expect(canMarkInvoicePaid({ ...operator, integration: { apiKeyId: randomUUID(), scopes: [] } })).toBe(false);
    expect(canMarkInvoicePaid(null)).toBe(false);
  });

  it('treats a platform admin signed in through a membership as that member, never as an operator (decision 0030)', () => {
    const boardWithFlag = { ...viewerIn(associationId, 'board'), platformAdmin: true };
    expect(canMarkInvoicePaid(boardWithFlag)).toBe(false);
    expect(canReadInvoices(boardWithFlag, associationId)).toBe(true);
    expect(canReadInvoices({ ...viewerIn(randomUUID(), 'resident'), platformAdmin: true }, associationId)).toBe(false);
    expect(canMarkInvoicePaid({ ...operator, associationId, support: { expiresAt: new Date().toISOString() } })).toBe(true);
  });
});
