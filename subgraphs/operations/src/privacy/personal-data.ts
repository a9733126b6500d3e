import type { PersonalDataCatalogue } from '@tunet/kit';

/**
 * Every operations table that holds data about a person (kit privacy.ts; the coverage test reads it). The domains
 * that add tables (assignment, comments, ratings, the maintenance plan) add them here and to the privacy routes.
 */
export const PERSONAL_DATA: PersonalDataCatalogue = {
  // A fault is the building's history too: the request stays with the "Former resident" member; its text stays only
  // when the association keeps posts after an erasure (decision 0041).
  service_requests: {
    columns: ['reporter_member_id', 'title', 'description', 'rejection_reason'],
    subject: ['reporter_member_id'],
    erasure: 'reattribute',
    lawfulBasis: 'legitimate_interest',
  },
  service_request_status_changes: {
    columns: ['actor_member_id', 'reason'],
    subject: ['actor_member_id'],
    erasure: 'anonymise',
    lawfulBasis: 'legitimate_interest',
  },
};
