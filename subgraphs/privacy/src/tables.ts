import { jsonb, pgSchema, smallint, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import type { ContentKind } from '@tunet/kit';

/** Drizzle's view of the tables that migrations/ creates; the SQL files are the source of truth. */
export const schema = pgSchema('privacy');

export type { ContentKind };
/** Who changed an association's privacy settings. */
export type SettingsActor = 'board' | 'operator';
export type { LawfulBasis } from '@tunet/kit';
/** Who set or lifted a restriction of processing. */
export type RestrictionActor = 'self' | 'board' | 'operator';

/**
 * The GraphQL enums whose values resolvers see in lower case, as the database keeps them, each with its type here:
 * codegen types the resolvers with that type, and kit's lowerCaseEnumValues maps the values at run time.
 */
export const LOWER_CASE_ENUMS = {
  ContentKind: 'ContentKind',
  LawfulBasis: 'LawfulBasis',
  RestrictionActor: 'RestrictionActor',
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
