import { boolean, date, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { schema } from '../tables';

/** Drizzle's view of migrations/0006_processor_registers.sql: the sub-processor register (docs/decisions/0040). */
export const subprocessorChanges = schema.table('subprocessor_changes', {
  id: uuid('id').primaryKey(),
  subprocessorId: uuid('subprocessor_id').notNull(),
  change: text('change').$type<'added' | 'changed' | 'removed'>().notNull(),
  name: text('name').notNull(),
  purposeNb: text('purpose_nb').notNull(),
  purposeEn: text('purpose_en').notNull(),
  country: text('country').notNull(),
  dataCategories: text('data_categories').array().notNull(),
  transferMechanism: text('transfer_mechanism').notNull(),
  effectiveOn: date('effective_on').notNull(),
  announcedAt: timestamp('announced_at', { withTimezone: true }).notNull().defaultNow(),
  objectionDeadline: date('objection_deadline'),
  emergency: boolean('emergency').notNull(),
  reason: text('reason'),
  announcedBy: uuid('announced_by'),
});

export const subprocessorObjections = schema.table('subprocessor_objections', {
  associationId: uuid('association_id').notNull(),
  id: uuid('id').notNull(),
  changeId: uuid('change_id').notNull(),
  reason: text('reason').notNull(),
  objectedBy: uuid('objected_by'),
  objectedAt: timestamp('objected_at', { withTimezone: true }).notNull().defaultNow(),
});
