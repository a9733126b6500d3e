import type { PersonalDataCatalogue } from '@tunet/kit';

/**
 * Every posts table that holds data about a person (kit privacy.ts): the export walks it, the erase receipt has one
 * entry per table, and the coverage test compares both with the schema. `reattribute` tables are content a person
 * wrote: kept under the association's "Former resident" when the erasure policy keeps that kind, else deleted.
 * `anonymise` tables are the association's own records that name the person as the one who acted; they are kept,
 * naming the "Former resident" (or nobody) instead.
 */
export const PERSONAL_DATA: PersonalDataCatalogue = {
  posts: { columns: ['author_member_id', 'title', 'body'], subject: ['author_member_id'], erasure: 'reattribute', lawfulBasis: 'contract' },
  comments: {
    columns: ['author_member_id', 'body', 'deleted_by_member_id'],
    subject: ['author_member_id'],
    erasure: 'reattribute',
    lawfulBasis: 'contract',
  },
  // Earlier texts of a comment; whose they are is the comment's author.
  comment_edits: { columns: ['body'], subject: ['comment_id'], erasure: 'delete', lawfulBasis: 'contract' },
  reactions: { columns: ['member_id'], subject: ['member_id'], erasure: 'delete', lawfulBasis: 'contract' },
  post_reads: { columns: ['member_id'], subject: ['member_id'], erasure: 'delete', lawfulBasis: 'legitimate_interest' },
  events: {
    columns: ['created_by_member_id', 'title', 'description', 'place', 'cancel_reason'],
    subject: ['created_by_member_id'],
    erasure: 'reattribute',
    lawfulBasis: 'contract',
  },
  event_signups: { columns: ['member_id'], subject: ['member_id'], erasure: 'delete', lawfulBasis: 'contract' },
  files: { columns: ['uploaded_by_member_id', 'file_name'], subject: ['uploaded_by_member_id'], erasure: 'reattribute', lawfulBasis: 'contract' },
  file_settings: { columns: ['updated_by_member_id'], subject: ['updated_by_member_id'], erasure: 'anonymise', lawfulBasis: 'legitimate_interest' },
  document_folders: {
    columns: ['created_by_member_id'],
    subject: ['created_by_member_id'],
    erasure: 'anonymise',
    lawfulBasis: 'legitimate_interest',
  },
  documents: {
    columns: ['created_by_member_id', 'deleted_by_member_id', 'title', 'description'],
    subject: ['created_by_member_id'],
    erasure: 'reattribute',
    lawfulBasis: 'contract',
  },
  document_versions: {
    columns: ['uploaded_by_member_id', 'note'],
    subject: ['uploaded_by_member_id'],
    erasure: 'reattribute',
    lawfulBasis: 'contract',
  },
  groups: { columns: ['created_by_member_id'], subject: ['created_by_member_id'], erasure: 'anonymise', lawfulBasis: 'contract' },
  group_members: { columns: ['member_id', 'added_by_member_id'], subject: ['member_id'], erasure: 'delete', lawfulBasis: 'contract' },
  group_join_requests: {
    columns: ['member_id', 'decided_by_member_id'],
    subject: ['member_id'],
    erasure: 'delete',
    lawfulBasis: 'contract',
  },
  moderation_settings: {
    columns: ['updated_by_member_id'],
    subject: ['updated_by_member_id'],
    erasure: 'anonymise',
    lawfulBasis: 'legitimate_interest',
  },
  moderation_cases: {
    columns: ['author_member_id', 'resolved_by_member_id'],
    subject: ['author_member_id'],
    erasure: 'anonymise',
    lawfulBasis: 'legitimate_interest',
  },
  moderation_reports: {
    columns: ['reporter_member_id', 'household_id', 'note'],
    subject: ['reporter_member_id'],
    erasure: 'delete',
    lawfulBasis: 'legitimate_interest',
  },
  moderation_actions: {
    columns: ['actor_member_id', 'reason'],
    subject: ['actor_member_id'],
    erasure: 'anonymise',
    lawfulBasis: 'legitimate_interest',
  },
  conduct_versions: {
    columns: ['published_by_member_id'],
    subject: ['published_by_member_id'],
    erasure: 'anonymise',
    lawfulBasis: 'legitimate_interest',
  },
  conduct_acceptances: { columns: ['member_id'], subject: ['member_id'], erasure: 'delete', lawfulBasis: 'contract' },
  calendar_feeds: { columns: ['member_id', 'nonce', 'token_hash'], subject: ['member_id'], erasure: 'delete', lawfulBasis: 'contract' },
};
