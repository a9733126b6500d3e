import { date, integer, jsonb, pgSchema, smallint, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import type { ContentKind, ReceiptEntry } from '@tunet/kit';

/** Drizzle's view of the tables that migrations/ creates; the SQL files are the source of truth. */
export const schema = pgSchema('privacy');

export type { ContentKind };
/** Who changed an association's privacy settings. */
export type SettingsActor = 'board' | 'operator';
export type { LawfulBasis } from '@tunet/kit';
/** Who set or lifted a restriction of processing. */
export type RestrictionActor = 'self' | 'board' | 'operator';
export type { ClosurePhase, ClosureStartedBy, ClosureStatus } from './archives/closures.repository';

/**
 * The GraphQL enums whose values resolvers see in lower case, as the database keeps them, each with its type here:
 * codegen types the resolvers with that type, and kit's lowerCaseEnumValues maps the values at run time.
 */
export const LOWER_CASE_ENUMS = {
  ContentKind: 'ContentKind',
  LawfulBasis: 'LawfulBasis',
  RestrictionActor: 'RestrictionActor',
  PrivacyRequestKind: 'RequestKind',
  PrivacyRequestStatus: 'RequestStatus',
  PrivacyRequestReason: 'RequestReason',
  PrivacyStepStatus: 'StepStatus',
  PrivacyRequestFilter: 'RequestFilter',
  AssociationClosureStatus: 'ClosureStatus',
  AssociationClosurePhase: 'ClosurePhase',
  AssociationClosureStart: 'ClosureStartedBy',
} as const;

export const settings = schema.table('settings', {
  associationId: uuid('association_id').primaryKey(),
  retentionMonths: smallint('retention_months').notNull(),
  keepContent: text('keep_content').array().$type<ContentKind[]>().notNull(),
  contactName: text('contact_name'),
  contactEmail: text('contact_email'),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  updatedBy: uuid('updated_by'),
});

export const settingsChanges = schema.table('settings_changes', {
  associationId: uuid('association_id').notNull(),
  id: uuid('id').notNull(),
  at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  actor: text('actor').$type<SettingsActor>().notNull(),
  actorMemberId: uuid('actor_member_id'),
  before: jsonb('before').$type<Record<string, unknown> | null>(),
  after: jsonb('after').$type<Record<string, unknown>>().notNull(),
});

export type RequestKind = 'export' | 'erasure';
export type RequestStatus = 'in_progress' | 'building' | 'completed';
export type RequestReason = 'request' | 'retention';
export type StepStatus = 'pending' | 'done';
/** Which requests the board's list shows. */
export type RequestFilter = 'open' | 'completed';

export const requests = schema.table('requests', {
  associationId: uuid('association_id').notNull(),
  id: uuid('id').notNull(),
  kind: text('kind').$type<RequestKind>().notNull(),
  subjectMemberId: uuid('subject_member_id').notNull(),
  requestedBy: uuid('requested_by'),
  reason: text('reason').$type<RequestReason>().notNull(),
  status: text('status').$type<RequestStatus>().notNull(),
  receivedAt: timestamp('received_at', { withTimezone: true }).notNull(),
  deadline: date('deadline', { mode: 'string' }).notNull(),
  timeZone: text('time_zone').notNull(),
  extensionMonths: smallint('extension_months').notNull().default(0),
  extensionReason: text('extension_reason'),
  extendedBy: uuid('extended_by'),
  keepContent: text('keep_content').array().$type<ContentKind[]>(),
  tombstoneMemberId: uuid('tombstone_member_id'),
  leasedUntil: timestamp('leased_until', { withTimezone: true }),
  completedAt: timestamp('completed_at', { withTimezone: true }),
});

export const requestSteps = schema.table('request_steps', {
  associationId: uuid('association_id').notNull(),
  requestId: uuid('request_id').notNull(),
  subgraph: text('subgraph').notNull(),
  status: text('status').$type<StepStatus>().notNull(),
  attempts: integer('attempts').notNull().default(0),
  lastError: text('last_error'),
  lastAttemptAt: timestamp('last_attempt_at', { withTimezone: true }),
  finishedAt: timestamp('finished_at', { withTimezone: true }),
  receipt: jsonb('receipt').$type<ReceiptEntry[] | null>(),
});
