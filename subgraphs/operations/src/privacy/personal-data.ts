import type { PersonalDataCatalogue } from '@tunet/kit';

/**
 * Every operations table that holds data about a person (kit privacy.ts; the coverage test reads it). The domains
 * that add tables (assignment, comments, ratings, the maintenance plan) add them here and to the privacy routes.
 */
export const PERSONAL_DATA: PersonalDataCatalogue = {
  // A fault is the building's history too: the request stays with the "Former resident" member; its text stays only
  // when the association keeps posts after an erasure (decision 0041).
  service_requests: {
    // booker_member_id: who booked the booking the request is linked to (addendum "links"), taken off on erasure.
    columns: ['reporter_member_id', 'title', 'description', 'rejection_reason', 'assignee_member_id', 'booker_member_id'],
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
  // Decision 0042. Comments stay with the tombstone when the association keeps comments after an erasure, else go.
  service_request_comments: {
    columns: ['author_member_id', 'body'],
    subject: ['author_member_id'],
    erasure: 'reattribute',
    lawfulBasis: 'legitimate_interest',
  },
  // The score is the association's record of the work; the comment goes unless comments are kept.
  service_request_ratings: {
    columns: ['rater_member_id', 'comment'],
    subject: ['rater_member_id'],
    erasure: 'reattribute',
    lawfulBasis: 'legitimate_interest',
  },
  // A supplier's contact person is no member: deleted with the request, when the board removes the supplier, or with
  // the association; a member's erasure takes their name off the engagement.
  service_request_suppliers: {
    columns: ['contact_name', 'contact_email', 'contact_phone', 'engaged_by_member_id'],
    subject: ['engaged_by_member_id'],
    erasure: 'anonymise',
    lawfulBasis: 'legitimate_interest',
  },
  // Decision 0043. The board's deadline hours keep applying without the name of who set them.
  service_request_deadline_settings: {
    columns: ['updated_by_member_id'],
    subject: ['updated_by_member_id'],
    erasure: 'anonymise',
    lawfulBasis: 'legitimate_interest',
  },
  // Decision 0041, addendum "photos": a photo follows the request's text: kept with the tombstone when the association
  // keeps what people post, else deleted with its bytes.
  service_request_photos: {
    columns: ['uploaded_by_member_id', 'file_name'],
    subject: ['uploaded_by_member_id'],
    erasure: 'reattribute',
    lawfulBasis: 'legitimate_interest',
  },
  // Decision 0043. A task's responsible person and maker are taken off it (it goes back to the board).
  maintenance_tasks: {
    columns: ['responsible_member_id', 'created_by_member_id', 'description'],
    subject: ['responsible_member_id', 'created_by_member_id'],
    erasure: 'anonymise',
    lawfulBasis: 'legitimate_interest',
  },
  // A completed round is the association's record that the work was done: kept without the name (and notes).
  maintenance_occurrences: {
    columns: ['completed_by_member_id', 'note'],
    subject: ['completed_by_member_id'],
    erasure: 'anonymise',
    lawfulBasis: 'legitimate_interest',
  },
};
