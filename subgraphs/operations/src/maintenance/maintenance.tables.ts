import { date, integer, jsonb, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { schema } from '../tables';
import type { Recurrence } from './maintenance.rules';

/** Drizzle's view of the maintenance plan's tables (migrations/0004_maintenance_plan.sql is the source of truth). */

/** One checklist item as answered when a round was completed: the item's text as it read then. */
export interface StoredAnswer {
  item: string;
  done: boolean;
  note: string | null;
}

export const maintenanceTasks = schema.table('maintenance_tasks', {
  associationId: uuid('association_id').notNull(),
  id: uuid('id').notNull(),
  title: text('title').notNull(),
  description: text('description'),
  checklist: text('checklist').array().notNull(),
  recurrence: text('recurrence').$type<Recurrence>().notNull(),
  intervalMonths: integer('interval_months'),
  anchorOn: date('anchor_on', { mode: 'string' }).notNull(),
  dueTime: text('due_time').notNull(),
  timeZone: text('time_zone').notNull(),
  responsibleMemberId: uuid('responsible_member_id'),
  createdByMemberId: uuid('created_by_member_id'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
  archivedAt: timestamp('archived_at', { withTimezone: true }),
});

export const maintenanceOccurrences = schema.table('maintenance_occurrences', {
  associationId: uuid('association_id').notNull(),
  id: uuid('id').notNull(),
  taskId: uuid('task_id').notNull(),
  seq: integer('seq').notNull(),
  dueAt: timestamp('due_at', { withTimezone: true }).notNull(),
  completedAt: timestamp('completed_at', { withTimezone: true }),
  completedByMemberId: uuid('completed_by_member_id'),
  answers: jsonb('answers').$type<StoredAnswer[]>(),
  note: text('note'),
  overdueNotifiedAt: timestamp('overdue_notified_at', { withTimezone: true }),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
});

export type MaintenanceTaskRow = typeof maintenanceTasks.$inferSelect;
export type MaintenanceOccurrenceRow = typeof maintenanceOccurrences.$inferSelect;
