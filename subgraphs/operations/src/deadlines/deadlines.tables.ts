import { integer, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { schema, type ServiceRequestCategory, type ServiceRequestUrgency } from '../tables';

/** The board's own deadline hours per category and urgency (migrations/0005_service_request_deadlines.sql). */
export const deadlineSettings = schema.table('service_request_deadline_settings', {
  associationId: uuid('association_id').notNull(),
  category: text('category').$type<ServiceRequestCategory>().notNull(),
  urgency: text('urgency').$type<ServiceRequestUrgency>().notNull(),
  responseHours: integer('response_hours').notNull(),
  resolutionHours: integer('resolution_hours').notNull(),
  updatedByMemberId: uuid('updated_by_member_id'),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
});

export type DeadlineSettingRow = typeof deadlineSettings.$inferSelect;
