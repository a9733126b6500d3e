import type { PersonalDataCatalogue } from '@tunet/kit';

/**
 * What the privacy subgraph itself keeps about a person (docs/decisions/0036), read by the coverage test
 * (test/personal-data.int.test.ts). Each table is answered by one part of privacy.routes.ts; the domains that add
 * tables (consents, the access log, the registers) add them here and their part to the routes.
 */
export const PERSONAL_DATA: PersonalDataCatalogue = {
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
  // The access log (docs/decisions/0039): the chain holds pseudonyms only; erasure cuts the mapping and the reasons.
  pseudonyms: { columns: ['person_id', 'pseudonym'], subject: ['person_id'], erasure: 'delete', lawfulBasis: 'legitimate_interest' },
  access_log: {
    columns: ['subject_pseudonym', 'actor_pseudonym', 'fields', 'operation'],
    subject: ['subject_pseudonym'],
    erasure: 'anonymise',
    lawfulBasis: 'legitimate_interest',
  },
  access_log_reasons: { columns: ['reason'], subject: ['sequence'], erasure: 'delete', lawfulBasis: 'legitimate_interest' },
};
