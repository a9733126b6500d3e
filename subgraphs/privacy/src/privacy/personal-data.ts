import type { PersonalDataCatalogue } from '@tunet/kit';
import { CONSENT_PERSONAL_DATA } from '../consents/consents-privacy.repository';

/**
 * What the privacy subgraph itself keeps about a person (docs/decisions/0036), read by the coverage test
 * (test/personal-data.int.test.ts). Each table is answered by one part of privacy.routes.ts; the domains that add
 * tables (consents, the access log, the registers) add them here and their part to the routes.
 */
export const PERSONAL_DATA: PersonalDataCatalogue = {
  // Purposes, consents, restrictions and notices (docs/decisions/0038).
  ...CONSENT_PERSONAL_DATA,
  settings: {
    columns: ['updated_by', 'contact_name', 'contact_email'],
    subject: ['updated_by'],
    erasure: 'anonymise',
    lawfulBasis: 'legal_obligation',
  },
  settings_changes: {
    columns: ['actor_member_id', 'before', 'after'],
    subject: ['actor_member_id'],
    erasure: 'anonymise',
    lawfulBasis: 'legitimate_interest',
  },
  // Data-subject requests (docs/decisions/0036): the association's proof that it answered, kept after an erasure.
  requests: {
    columns: ['subject_member_id', 'requested_by', 'extended_by', 'extension_reason'],
    subject: ['subject_member_id', 'requested_by'],
    erasure: 'keep',
    lawfulBasis: 'legal_obligation',
    retention: '3 years after the request was completed (proof of compliance, GDPR art. 5(2); limitation period, foreldelsesloven § 2)',
  },
  // The access log (docs/decisions/0039): the chain holds pseudonyms only; erasure cuts the mapping and the reasons.
  pseudonyms: { columns: ['person_id', 'pseudonym'], subject: ['person_id'], erasure: 'delete', lawfulBasis: 'legitimate_interest' },
  access_log: {
    columns: ['subject_pseudonym', 'actor_pseudonym', 'fields', 'operation'],
    subject: ['subject_pseudonym'],
    erasure: 'anonymise',
    lawfulBasis: 'legitimate_interest',
  },
  access_log_reasons: { columns: ['reason'], subject: ['sequence'], erasure: 'delete', lawfulBasis: 'legitimate_interest' },
  // The processor registers (docs/decisions/0040): the board member who objected or recorded the report to Datatilsynet.
  subprocessor_objections: { columns: ['objected_by', 'reason'], subject: ['objected_by'], erasure: 'anonymise', lawfulBasis: 'legitimate_interest' },
  breach_notices: {
    columns: ['authority_recorded_by'],
    subject: ['authority_recorded_by'],
    erasure: 'anonymise',
    lawfulBasis: 'legal_obligation',
  },
  // Export archives (docs/decisions/0037): whose data a zip holds and who asked; erasure deletes them with their bytes.
  export_archives: {
    columns: ['member_id', 'requested_by', 'storage_key'],
    subject: ['member_id', 'requested_by'],
    erasure: 'delete',
    lawfulBasis: 'legal_obligation',
  },
};
