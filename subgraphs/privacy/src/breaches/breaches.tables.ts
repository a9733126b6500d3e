import { text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { schema } from '../tables';

/** Drizzle's view of migrations/0006_processor_registers.sql: the breach register (docs/decisions/0040). */
export const breaches = schema.table('breaches', {
  id: uuid('id').primaryKey(),
  suspectedAt: timestamp('suspected_at', { withTimezone: true }).notNull(),
  description: text('description').notNull(),
  dataCategories: text('data_categories').array().notNull(),
  recordedAt: timestamp('recorded_at', { withTimezone: true }).notNull().defaultNow(),
  recordedBy: uuid('recorded_by').notNull(),
});

export const breachNotices = schema.table('breach_notices', {
  associationId: uuid('association_id').notNull(),
  breachId: uuid('breach_id').notNull(),
  suspectedAt: timestamp('suspected_at', { withTimezone: true }).notNull(),
  description: text('description').notNull(),
  dataCategories: text('data_categories').array().notNull(),
  notifyDueAt: timestamp('notify_due_at', { withTimezone: true }).notNull(),
  notifiedAt: timestamp('notified_at', { withTimezone: true }),
  authorityDueAt: timestamp('authority_due_at', { withTimezone: true }),
  reportedToAuthorityAt: timestamp('reported_to_authority_at', { withTimezone: true }),
  notReportableReason: text('not_reportable_reason'),
  authorityRecordedAt: timestamp('authority_recorded_at', { withTimezone: true }),
  authorityRecordedBy: uuid('authority_recorded_by'),
  notifyOverdueAt: timestamp('notify_overdue_at', { withTimezone: true }),
  authorityOverdueAt: timestamp('authority_overdue_at', { withTimezone: true }),
});
