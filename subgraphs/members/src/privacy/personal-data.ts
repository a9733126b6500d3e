import type { PersonalDataCatalogue } from '@tunet/kit';

const WITH_THE_ASSOCIATION = 'Until the association is deleted after its agreement ends';

/**
 * Members' personal data (docs/decisions/0036): every table that names, reaches or identifies a person, read by the
 * coverage test and by members' own export and erase, which answer one receipt entry per table listed here.
 */
export const PERSONAL_DATA: PersonalDataCatalogue = {
  members: {
    columns: [
      'id',
      'account_id',
      'display_name',
      'email',
      'phone',
      'portrait_url',
      'portrait_file_id',
      'occupation',
      'about',
      'online_identities',
      'external_title',
      'suspension_reason',
    ],
    subject: ['id'],
    erasure: 'delete',
    lawfulBasis: 'contract',
  },
  tenures: { columns: ['member_id', 'unit_id', 'contract_number', 'move_in', 'move_out'], subject: ['member_id'], erasure: 'delete', lawfulBasis: 'contract' },
  committee_terms: { columns: ['member_id', 'role', 'term_from', 'term_to'], subject: ['member_id'], erasure: 'delete', lawfulBasis: 'contract' },
  invitations: {
    columns: ['member_id', 'email', 'unit_id', 'invited_by_member_id'],
    subject: ['member_id', 'invited_by_member_id'],
    erasure: 'delete',
    lawfulBasis: 'contract',
  },
  refresh_tokens: { columns: ['account_id', 'member_id', 'family_id'], subject: ['member_id'], erasure: 'delete', lawfulBasis: 'contract' },
  access_log: {
    columns: ['viewer_account_id', 'viewer_member_id', 'subject_member_id', 'field'],
    subject: ['subject_member_id', 'viewer_member_id'],
    erasure: 'delete',
    lawfulBasis: 'legal_obligation',
  },
  api_keys: { columns: ['created_by_member_id'], subject: ['created_by_member_id'], erasure: 'anonymise', lawfulBasis: 'contract' },
  import_jobs: { columns: ['created_by', 'changes'], subject: ['created_by'], erasure: 'anonymise', lawfulBasis: 'contract' },
  terms_acceptances: {
    columns: ['accepted_by_name', 'recorded_by_account_id', 'recorded_by_member_id'],
    subject: ['recorded_by_member_id'],
    erasure: 'anonymise',
    lawfulBasis: 'contract',
  },
  terminations: { columns: ['requested_by'], subject: ['requested_by'], erasure: 'anonymise', lawfulBasis: 'contract' },
  accounts: { columns: ['id', 'email', 'password_hash'], subject: ['id'], erasure: 'delete', lawfulBasis: 'contract' },
  email_changes: { columns: ['account_id', 'new_email'], subject: ['account_id'], erasure: 'delete', lawfulBasis: 'contract' },
  password_setups: { columns: ['account_id'], subject: ['account_id'], erasure: 'delete', lawfulBasis: 'contract' },
  operator_refresh_tokens: { columns: ['account_id', 'family_id'], subject: ['account_id'], erasure: 'delete', lawfulBasis: 'contract' },
  // Provider staff at work in the association: the association's record of who accessed it (decision 0030).
  support_sessions: {
    columns: ['account_id', 'operator_email'],
    subject: ['account_id'],
    erasure: 'keep',
    lawfulBasis: 'legitimate_interest',
    retention: WITH_THE_ASSOCIATION,
  },
  breach_notices: { columns: ['noticed_by'], subject: ['noticed_by'], erasure: 'keep', lawfulBasis: 'contract', retention: WITH_THE_ASSOCIATION },
};
