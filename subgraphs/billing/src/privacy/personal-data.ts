import type { PersonalDataCatalogue } from '@tunet/kit';

/** Bookføringsloven § 13: five years from the end of the fiscal (calendar) year. */
export const INVOICE_RETENTION = '5 years after the end of the fiscal year it was issued in (bookføringsloven § 13)';

/**
 * Billing's personal data (docs/decisions/0036). Billing is the association's: its add-ons and invoices are to the
 * association, and name a person only as who started or cancelled an add-on (account ids), who acted in an audit
 * entry (and the ids in its snapshots), and the provider's staff who recorded a payment.
 */
export const PERSONAL_DATA: PersonalDataCatalogue = {
  audit_log: {
    columns: ['actor_account_id', 'actor_member_id', 'before', 'after'],
    subject: ['actor_member_id'],
    erasure: 'anonymise',
    lawfulBasis: 'legitimate_interest',
  },
  subscriptions: { columns: ['created_by', 'cancelled_by'], subject: ['created_by', 'cancelled_by'], erasure: 'anonymise', lawfulBasis: 'contract' },
  invoices: { columns: ['paid_by', 'marked_paid_note'], subject: ['paid_by'], erasure: 'keep', lawfulBasis: 'legal_obligation', retention: INVOICE_RETENTION },
};
