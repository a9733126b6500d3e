import { isMember, type Viewer } from '@tunet/kit';
import { isOperator } from '../subscriptions/subscriptions.access';

/**
 * Who sees an association's invoices: its board, who pays them, and the provider's operators, who keep the books
 * for every association. Residents and integrations do not.
 */
export const canReadInvoices = (viewer: Viewer | null, associationId: string): boolean =>
  isOperator(viewer) || (isMember(viewer) && viewer.associationId === associationId && viewer.role === 'board' && !viewer.integration);

/** Only an operator records a payment: the money reaches the provider, not the board. */
export const canMarkInvoicePaid = (viewer: Viewer | null): boolean => isOperator(viewer);
