import { bigint, integer, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { schema } from '../tables';
import type { AccessKind, ActorKind } from './access-log.rules';

/** Drizzle's view of migrations/0005_access_log.sql (docs/decisions/0039). */
export const pseudonyms = schema.table('pseudonyms', {
  associationId: uuid('association_id').notNull(),
  personId: uuid('person_id').notNull(),
  pseudonym: uuid('pseudonym').notNull(),
});

export const accessLog = schema.table('access_log', {
  associationId: uuid('association_id').notNull(),
  sequence: bigint('sequence', { mode: 'number' }).notNull(),
  id: uuid('id').notNull(),
  sourceEventId: uuid('source_event_id').notNull(),
  sourceIndex: integer('source_index').notNull(),
  subjectPseudonym: uuid('subject_pseudonym').notNull(),
  actorPseudonym: uuid('actor_pseudonym'),
  actorKind: text('actor_kind').$type<ActorKind>().notNull(),
  kind: text('kind').$type<AccessKind>().notNull(),
  fields: text('fields').array().notNull(),
  operation: text('operation').notNull(),
  at: timestamp('at', { withTimezone: true }).notNull(),
  reasonHash: text('reason_hash'),
  previousHash: text('previous_hash').notNull(),
  hash: text('hash').notNull(),
});

export const accessLogHeads = schema.table('access_log_heads', {
  associationId: uuid('association_id').primaryKey(),
  sequence: bigint('sequence', { mode: 'number' }).notNull(),
  hash: text('hash').notNull(),
});

export const accessLogReasons = schema.table('access_log_reasons', {
  associationId: uuid('association_id').notNull(),
  sequence: bigint('sequence', { mode: 'number' }).notNull(),
  salt: text('salt').notNull(),
  reason: text('reason').notNull(),
});

export type AccessLogRow = typeof accessLog.$inferSelect;
