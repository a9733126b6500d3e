import type { ContentKind } from '@tunet/kit';
import { boolean, date, integer, jsonb, pgSchema, smallint, text, time, timestamp, uuid } from 'drizzle-orm/pg-core';
import type { Category, Channel, DeliveryChannel, DeliveryHold, DeliveryStatus, Locale, PushDeviceKind, WithheldReason } from './model';

/** Drizzle's view of the tables that migrations/ creates; the SQL files are the source of truth. */
export const schema = pgSchema('notifications');

const instant = (name: string) => timestamp(name, { withTimezone: true });

export const notifications = schema.table('notifications', {
  associationId: uuid('association_id').notNull(),
  id: uuid('id').notNull(),
  eventId: uuid('event_id').notNull(),
  recipient: text('recipient').notNull(),
  memberId: uuid('member_id'),
  topic: text('topic').notNull(),
  category: text('category').$type<Category>().notNull(),
  important: boolean('important').notNull(),
  locale: text('locale').$type<Locale>().notNull(),
  title: text('title').notNull(),
  body: text('body').notNull(),
  link: text('link'),
  subjectType: text('subject_type'),
  subjectId: uuid('subject_id'),
  contentKind: text('content_kind').$type<ContentKind>(),
  contentAuthorId: uuid('content_author_id'),
  shown: boolean('shown').notNull().default(true),
  createdAt: instant('created_at').notNull().defaultNow(),
  readAt: instant('read_at'),
  archivedAt: instant('archived_at'),
});

export const deliveries = schema.table('deliveries', {
  associationId: uuid('association_id').notNull(),
  id: uuid('id').notNull(),
  notificationId: uuid('notification_id').notNull(),
  channel: text('channel').$type<DeliveryChannel>().notNull(),
  address: text('address'),
  status: text('status').$type<DeliveryStatus>().notNull().default('queued'),
  heldFor: text('held_for').$type<DeliveryHold>(),
  withheldReason: text('withheld_reason').$type<WithheldReason>(),
  /** The month (its first day, `YYYY-MM-DD`) an SMS was counted against; null until the quota let it through. */
  smsMonth: date('sms_month', { mode: 'string' }),
  attempts: integer('attempts').notNull().default(0),
  nextAttemptAt: instant('next_attempt_at').notNull().defaultNow(),
  claimedUntil: instant('claimed_until'),
  lastError: text('last_error'),
  providerMessageId: text('provider_message_id'),
  createdAt: instant('created_at').notNull().defaultNow(),
  updatedAt: instant('updated_at').notNull().defaultNow(),
  sentAt: instant('sent_at'),
});

export const deliveryAttempts = schema.table('delivery_attempts', {
  associationId: uuid('association_id').notNull(),
  deliveryId: uuid('delivery_id').notNull(),
  attempt: integer('attempt').notNull(),
  at: instant('at').notNull().defaultNow(),
  outcome: text('outcome').$type<'sent' | 'delivered' | 'retry' | 'failed' | 'bounced'>().notNull(),
  detail: text('detail'),
});

export const personSettings = schema.table('person_settings', {
  associationId: uuid('association_id').notNull(),
  memberId: uuid('member_id').notNull(),
  locale: text('locale').$type<Locale>(),
  timeZone: text('time_zone').notNull().default('Europe/Oslo'),
  // 'HH:MM:SS' as PostgreSQL writes a time
  quietHoursStart: time('quiet_hours_start'),
  quietHoursEnd: time('quiet_hours_end'),
  emailDigest: boolean('email_digest').notNull().default(false),
  digestHour: smallint('digest_hour').notNull().default(7),
  updatedAt: instant('updated_at').notNull().defaultNow(),
});

export const preferences = schema.table('preferences', {
  associationId: uuid('association_id').notNull(),
  memberId: uuid('member_id').notNull(),
  category: text('category').$type<Category>().notNull(),
  channel: text('channel').$type<Channel>().notNull(),
  enabled: boolean('enabled').notNull(),
  updatedAt: instant('updated_at').notNull().defaultNow(),
});

export const preferenceLog = schema.table('preference_log', {
  associationId: uuid('association_id').notNull(),
  id: uuid('id').notNull(),
  memberId: uuid('member_id').notNull(),
  via: text('via').$type<'app' | 'unsubscribe_link' | 'one_click'>().notNull(),
  change: jsonb('change').notNull(),
  at: instant('at').notNull().defaultNow(),
});

export const pushDevices = schema.table('push_devices', {
  associationId: uuid('association_id').notNull(),
  id: uuid('id').notNull(),
  memberId: uuid('member_id').notNull(),
  kind: text('kind').$type<PushDeviceKind>().notNull(),
  address: text('address').notNull(),
  p256dh: text('p256dh'),
  auth: text('auth'),
  deviceName: text('device_name'),
  createdAt: instant('created_at').notNull().defaultNow(),
  lastUsedAt: instant('last_used_at'),
});

export const closedAssociations = schema.table('closed_associations', {
  associationId: uuid('association_id').notNull(),
  terminationId: uuid('termination_id').notNull(),
  terminatedOn: date('terminated_on', { mode: 'string' }).notNull(),
  closedAt: instant('closed_at').notNull().defaultNow(),
});

export type NotificationRow = typeof notifications.$inferSelect;
export type DeliveryRow = typeof deliveries.$inferSelect;
export type PushDeviceRow = typeof pushDevices.$inferSelect;

/** Members erased here, by a hash of the ids only (src/privacy/erased-member-hash.ts). */
export const erasedRecipients = schema.table('erased_recipients', {
  associationId: uuid('association_id').notNull(),
  memberHash: text('member_hash').notNull(),
  erasedAt: instant('erased_at').notNull().defaultNow(),
});
