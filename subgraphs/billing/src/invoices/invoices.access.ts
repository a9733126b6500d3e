import { isMember, isPlatformOperator, type Viewer } from '@tunet/kit';

/**
 * Who sees an association's invoices: its board, who pays them, and the provider's operators, who keep the books
 * for every association. Residents and integrations do not.
 */
export const canReadInvoices = (viewer: Viewer | null, associationId: string): boolean =>
  isPlatformOperator(viewer) || (isMember(viewer) && viewer.associationId === associationId && viewer.role === 'board' && !viewer.integration);

/** Only an operator records a payment: the money reaches the provider, not the board. */
export const canMarkInvoicePaid = (viewer: Viewer | null): boolean => isPlatformOperator(viewer);
