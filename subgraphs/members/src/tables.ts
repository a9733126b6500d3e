import type { ApiScope } from '@tunet/kit';
import { sql } from 'drizzle-orm';
import { boolean, date, integer, jsonb, numeric, pgSchema, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/** Drizzle's view of the tables that migrations/ creates; the SQL files are the source of truth. */
export const schema = pgSchema('members');

const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();
const updatedAt = () => timestamp('updated_at', { withTimezone: true }).notNull().defaultNow();

export const associations = schema.table('associations', {
  id: uuid('id').primaryKey(),
  name: text('name').notNull(),
  timeZone: text('time_zone').notNull(),
  locale: text('locale', { enum: ['nb', 'en'] }).notNull(),
  orgNumber: text('org_number'),
  streetAddress: text('street_address'),
  postalCode: text('postal_code'),
  city: text('city'),
  contactEmail: text('contact_email'),
  status: text('status', { enum: ['active', 'blocked', 'terminated'] })
    .notNull()
    .default('active'),
  terminatedOn: date('terminated_on'),
  blockedAt: timestamp('blocked_at', { withTimezone: true }),
  blockedGround: text('blocked_ground', { enum: ['illegal_use', 'invalid_legal_details', 'unremedied_breach'] }),
  blockedReason: text('blocked_reason'),
  createdAt: createdAt(),
});

/** Ends of the agreement filed in writing (decision 0034); at most one open per association. */
export const terminations = schema.table('terminations', {
  associationId: uuid('association_id').notNull(),
  id: uuid('id').notNull(),
  initiatedBy: text('initiated_by', { enum: ['board', 'provider', 'breach'] }).notNull(),
  /** Null once the person who filed it was erased (migration 0015). */
  requestedBy: uuid('requested_by'),
  requestedAt: timestamp('requested_at', { withTimezone: true }).notNull().defaultNow(),
  effectiveOn: date('effective_on').notNull(),
  reason: text('reason'),
  withdrawnAt: timestamp('withdrawn_at', { withTimezone: true }),
  completedAt: timestamp('completed_at', { withTimezone: true }),
});

/** The provider's written notices of a breach of the terms, with the last working day to remedy it. */
export const breachNotices = schema.table('breach_notices', {
  associationId: uuid('association_id').notNull(),
  id: uuid('id').notNull(),
  description: text('description').notNull(),
  noticedBy: uuid('noticed_by').notNull(),
  noticedAt: timestamp('noticed_at', { withTimezone: true }).notNull().defaultNow(),
  remedyBy: date('remedy_by').notNull(),
  closedAt: timestamp('closed_at', { withTimezone: true }),
});

export const accounts = schema.table('accounts', {
  id: uuid('id').primaryKey(),
  email: text('email').notNull(),
  passwordHash: text('password_hash').notNull(),
  platformAdmin: boolean('platform_admin').notNull(),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

export const emailChanges = schema.table('email_changes', {
  id: uuid('id').primaryKey(),
  accountId: uuid('account_id').notNull(),
  newEmail: text('new_email').notNull(),
  tokenHash: text('token_hash').notNull(),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  confirmedAt: timestamp('confirmed_at', { withTimezone: true }),
  createdAt: createdAt(),
});

export const buildings = schema.table('buildings', {
  associationId: uuid('association_id').notNull(),
  id: uuid('id').notNull(),
  name: text('name').notNull(),
  streetAddress: text('street_address'),
  createdAt: createdAt(),
});

export const units = schema.table('units', {
  associationId: uuid('association_id').notNull(),
  id: uuid('id').notNull(),
  buildingId: uuid('building_id').notNull(),
  number: text('number').notNull(),
  shareNumber: text('share_number'),
  sectionNumber: text('section_number'),
  floor: integer('floor'),
  sizeSqm: numeric('size_sqm', { mode: 'number' }),
  streetAddress: text('street_address'),
  createdAt: createdAt(),
});

export type Visibility = 'only_me' | 'board' | 'residents';
export type OnlineIdentity = { service: string; handle: string };

export const members = schema.table('members', {
  associationId: uuid('association_id').notNull(),
  id: uuid('id').notNull(),
  accountId: uuid('account_id'),
  displayName: text('display_name').notNull(),
  sortName: text('sort_name').generatedAlwaysAs(sql`members.norwegian_sort_key(display_name)`),
  email: text('email'),
  phone: text('phone'),
  portraitUrl: text('portrait_url'),
  /** An uploaded portrait's stored file (migration 0021); its bytes are in the file storage. */
  portraitFileId: uuid('portrait_file_id'),
  portraitContentType: text('portrait_content_type', { enum: ['image/jpeg', 'image/png', 'image/webp'] }),
  occupation: text('occupation'),
  about: text('about'),
  onlineIdentities: jsonb('online_identities').$type<OnlineIdentity[]>().notNull().default([]),
  visibility: jsonb('visibility').$type<Partial<Record<string, Visibility>>>().notNull().default({}),
  hideName: boolean('hide_name').notNull().default(false),
  externalTitle: text('external_title'),
  suspendedAt: timestamp('suspended_at', { withTimezone: true }),
  suspensionReason: text('suspension_reason'),
  suspendedUntil: date('suspended_until'),
  /** The association's "Former resident" that kept content of erased people is attributed to (migration 0015). */
  tombstone: boolean('tombstone').notNull().default(false),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

export type TenureRelation = 'owner' | 'co_owner' | 'tenant' | 'occupant';

export const tenures = schema.table('tenures', {
  associationId: uuid('association_id').notNull(),
  id: uuid('id').notNull(),
  memberId: uuid('member_id').notNull(),
  unitId: uuid('unit_id').notNull(),
  relation: text('relation', { enum: ['owner', 'co_owner', 'tenant', 'occupant'] }).notNull(),
  contractNumber: text('contract_number'),
  moveIn: date('move_in').notNull(),
  moveOut: date('move_out'),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

export const committees = schema.table('committees', {
  associationId: uuid('association_id').notNull(),
  id: uuid('id').notNull(),
  kind: text('kind', { enum: ['board', 'nomination', 'party', 'custom'] }).notNull(),
  name: text('name').notNull(),
  createdAt: createdAt(),
});

export const committeeTerms = schema.table('committee_terms', {
  associationId: uuid('association_id').notNull(),
  id: uuid('id').notNull(),
  committeeId: uuid('committee_id').notNull(),
  memberId: uuid('member_id').notNull(),
  role: text('role', { enum: ['leader', 'deputy', 'member', 'secretary'] }).notNull(),
  termFrom: date('term_from').notNull(),
  termTo: date('term_to'),
  endAnnouncedAt: timestamp('end_announced_at', { withTimezone: true }),
  createdAt: createdAt(),
});

export const refreshTokens = schema.table('refresh_tokens', {
  associationId: uuid('association_id').notNull(),
  id: uuid('id').notNull(),
  familyId: uuid('family_id').notNull(),
  accountId: uuid('account_id').notNull(),
  memberId: uuid('member_id').notNull(),
  tokenHash: text('token_hash').notNull(),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  usedAt: timestamp('used_at', { withTimezone: true }),
  revokedAt: timestamp('revoked_at', { withTimezone: true }),
  createdAt: createdAt(),
});

/** Refresh tokens of platform operators' sessions, which belong to no association (decision 0030). */
export const operatorRefreshTokens = schema.table('operator_refresh_tokens', {
  id: uuid('id').primaryKey(),
  familyId: uuid('family_id').notNull(),
  accountId: uuid('account_id').notNull(),
  tokenHash: text('token_hash').notNull(),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  usedAt: timestamp('used_at', { withTimezone: true }),
  revokedAt: timestamp('revoked_at', { withTimezone: true }),
  createdAt: createdAt(),
});

/** One-time links to set an account's password (decision 0030); system scope only. */
export const passwordSetups = schema.table('password_setups', {
  id: uuid('id').primaryKey(),
  accountId: uuid('account_id').notNull(),
  tokenHash: text('token_hash').notNull(),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  usedAt: timestamp('used_at', { withTimezone: true }),
  /** An operator's first password (decision 0030) or a reset asked for by e-mail (decision 0046). */
  purpose: text('purpose', { enum: ['operator_setup', 'reset'] })
    .notNull()
    .default('operator_setup'),
  createdAt: createdAt(),
});

/** A platform operator's time-limited entry into one association, with the reason (decision 0030). */
export const supportSessions = schema.table('support_sessions', {
  associationId: uuid('association_id').notNull(),
  id: uuid('id').notNull(),
  accountId: uuid('account_id').notNull(),
  operatorEmail: text('operator_email').notNull(),
  reason: text('reason').notNull(),
  openedAt: timestamp('opened_at', { withTimezone: true }).notNull(),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  closedAt: timestamp('closed_at', { withTimezone: true }),
  /** The operator's login session (refresh-token family) it was opened in; when that ends, so does this. */
  openedInSessionId: uuid('opened_in_session_id'),
});

/** Every operation an operator ran in a support session, as the gateway reported it before running it. */
export const supportAccessLog = schema.table('support_access_log', {
  associationId: uuid('association_id').notNull(),
  id: uuid('id').notNull(),
  supportSessionId: uuid('support_session_id').notNull(),
  at: timestamp('at', { withTimezone: true }).notNull(),
  operationType: text('operation_type', { enum: ['query', 'mutation', 'subscription'] }).notNull(),
  operationName: text('operation_name'),
  fields: text('fields').array().notNull(),
});

export const accessLog = schema.table('access_log', {
  associationId: uuid('association_id').notNull(),
  id: uuid('id').notNull().defaultRandom(),
  viewerAccountId: uuid('viewer_account_id').notNull(),
  viewerMemberId: uuid('viewer_member_id'),
  subjectMemberId: uuid('subject_member_id').notNull(),
  field: text('field').notNull(),
  readAt: timestamp('read_at', { withTimezone: true }).notNull().defaultNow(),
});

export const invitations = schema.table('invitations', {
  associationId: uuid('association_id').notNull(),
  id: uuid('id').notNull(),
  memberId: uuid('member_id').notNull(),
  email: text('email').notNull(),
  unitId: uuid('unit_id'),
  tokenHash: text('token_hash').notNull(),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  sendCount: integer('send_count').notNull().default(1),
  invitedByMemberId: uuid('invited_by_member_id'),
  /** A seat the invitee takes on accepting: a term on this committee from the association's today. */
  committeeId: uuid('committee_id'),
  committeeRole: text('committee_role', { enum: ['leader', 'deputy', 'member', 'secretary'] }),
  acceptedAt: timestamp('accepted_at', { withTimezone: true }),
  revokedAt: timestamp('revoked_at', { withTimezone: true }),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

export const apiKeys = schema.table('api_keys', {
  associationId: uuid('association_id').notNull(),
  id: uuid('id').notNull(),
  name: text('name').notNull(),
  prefix: text('prefix').notNull(),
  keyHash: text('key_hash').notNull(),
  scopes: text('scopes').array().$type<ApiScope[]>().notNull(),
  createdByMemberId: uuid('created_by_member_id'),
  createdAt: createdAt(),
  lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
  revokedAt: timestamp('revoked_at', { withTimezone: true }),
});

export type ImportRejectionRow = { line: number; field: string | null; reason: string };

/** One change a dry run would make (decision 0046): an existing member by id only, a new person by the row's name. */
export type ImportChangeRow = {
  kind: 'added' | 'moved_in' | 'updated' | 'moved_out';
  /** The row's line; null for a full sync's move-out, which no row mentions. */
  line: number | null;
  memberId: string | null;
  name: string | null;
  unitId: string;
  moveOut: string | null;
};

export const importJobs = schema.table('import_jobs', {
  associationId: uuid('association_id').notNull(),
  id: uuid('id').notNull(),
  mode: text('mode', { enum: ['upsert', 'full_sync'] }).notNull(),
  dryRun: boolean('dry_run').notNull(),
  allOrNothing: boolean('all_or_nothing').notNull(),
  status: text('status', { enum: ['queued', 'running', 'completed', 'failed'] })
    .notNull()
    .default('queued'),
  totalRows: integer('total_rows').notNull(),
  processedRows: integer('processed_rows').notNull().default(0),
  createdCount: integer('created_count').notNull().default(0),
  updatedCount: integer('updated_count').notNull().default(0),
  movedOutCount: integer('moved_out_count').notNull().default(0),
  unchangedCount: integer('unchanged_count').notNull().default(0),
  rejected: jsonb('rejected').$type<ImportRejectionRow[]>().notNull().default([]),
  changes: jsonb('changes').$type<ImportChangeRow[]>().notNull().default([]),
  changesTruncated: boolean('changes_truncated').notNull().default(false),
  error: text('error'),
  createdBy: uuid('created_by').notNull(),
  createdByKind: text('created_by_kind', { enum: ['member', 'api_key', 'account'] }).notNull(),
  createdAt: createdAt(),
  heartbeatAt: timestamp('heartbeat_at', { withTimezone: true }).notNull().defaultNow(),
  finishedAt: timestamp('finished_at', { withTimezone: true }),
});

/** The provider's terms of service, one row per version; platform-wide, system scope only (decision 0033). */
export const termsVersions = schema.table('terms_versions', {
  version: text('version').primaryKey(),
  url: text('url').notNull(),
  summaryNb: text('summary_nb').notNull(),
  summaryEn: text('summary_en').notNull(),
  effectiveOn: date('effective_on').notNull(),
  publishedAt: timestamp('published_at', { withTimezone: true }).notNull().defaultNow(),
  publishedByAccountId: uuid('published_by_account_id'),
});

export const termsAcceptances = schema.table('terms_acceptances', {
  associationId: uuid('association_id').notNull(),
  version: text('version').notNull(),
  acceptedByName: text('accepted_by_name').notNull(),
  /** Null once the board member who recorded it was erased (migration 0015). */
  recordedByAccountId: uuid('recorded_by_account_id'),
  recordedByMemberId: uuid('recorded_by_member_id'),
  acceptedAt: timestamp('accepted_at', { withTimezone: true }).notNull().defaultNow(),
});
