import type { PersonalDataCatalogue } from '@tunet/kit';

/** Every reservations table that holds data about a person (kit privacy.ts; the coverage test reads it). */
export const PERSONAL_DATA: PersonalDataCatalogue = {
  bookings: {
    columns: [
      'booker_member_id',
      'unit_id',
      'comment',
      'idempotency_key',
      'rules_accepted_at',
      'decided_by_member_id',
      'decision_reason',
      'cancelled_by_member_id',
      'cancel_reason',
    ],
    subject: ['booker_member_id'],
    // Deleted, except a booking with charges, which stays without its booker as long as the charges do.
    erasure: 'anonymise',
    lawfulBasis: 'contract',
  },
  charges: {
    columns: ['member_id', 'unit_id'],
    subject: ['member_id'],
    erasure: 'keep',
    lawfulBasis: 'legal_obligation',
    retention: '5 years after the end of the fiscal year of the charge (bokføringsloven § 13), then deleted by the charges retention job',
  },
  calendar_feeds: { columns: ['member_id', 'nonce', 'token_hash'], subject: ['member_id'], erasure: 'delete', lawfulBasis: 'contract' },
};
