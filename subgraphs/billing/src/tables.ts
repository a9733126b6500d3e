import { boolean, date, integer, jsonb, pgSchema, smallint, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/** Drizzle's view of the tables that migrations/ creates; the SQL files are the source of truth. */
export const schema = pgSchema('billing');

export type FeatureKind = 'base' | 'add_on';
export type BillingPeriod = 'month' | 'year';
export type SubscriptionStatus = 'trial' | 'active' | 'past_due' | 'blocked' | 'cancelled';
export type EndReason = 'cancelled' | 'ended_by_operator' | 'trial_ended' | 'withdrawn';
export type EntitlementKind = 'flag' | 'limit';
export type AuditActor = 'operator' | 'board' | 'system';
/** Where an invoice stands today: overdue is unpaid after its due date. */
export type InvoiceStatus = 'paid' | 'unpaid' | 'overdue';

/** What a feature grants: a flag (on while entitled) or a numeric limit added to the association's total. */
export interface FeatureEntitlement {
  key: string;
  kind: EntitlementKind;
  value: number;
}

/**
 * The GraphQL enums whose values resolvers see in lower case, as the database keeps them, each with its type here:
 * codegen types the resolvers with that type, and kit's lowerCaseEnumValues maps the values at run time.
 */
export const LOWER_CASE_ENUMS = {
  FeatureKind: 'FeatureKind',
  BillingPeriod: 'BillingPeriod',
  EntitlementKind: 'EntitlementKind',
  SubscriptionStatus: 'SubscriptionStatus',
  EndReason: 'EndReason',
  AuditActor: 'AuditActor',
  InvoiceStatus: 'InvoiceStatus',
} as const;

export const features = schema.table('features', {
  key: text('key').primaryKey(),
  nameNb: text('name_nb').notNull(),
  nameEn: text('name_en').notNull(),
  descriptionNb: text('description_nb').notNull(),
  descriptionEn: text('description_en').notNull(),
  priceOre: integer('price_ore').notNull(),
  period: text('period').$type<BillingPeriod>().notNull(),
  kind: text('kind').$type<FeatureKind>().notNull(),
  entitlements: jsonb('entitlements').$type<FeatureEntitlement[]>().notNull(),
  position: smallint('position').notNull(),
});

export const subscriptions = schema.table('subscriptions', {
  associationId: uuid('association_id').notNull(),
  id: uuid('id').notNull(),
  feature: text('feature').notNull(),
  status: text('status').$type<SubscriptionStatus>().notNull(),
  trialEndsOn: date('trial_ends_on', { mode: 'string' }),
  periodStart: date('period_start', { mode: 'string' }),
  periodEnd: date('period_end', { mode: 'string' }),
  autoRenew: boolean('auto_renew').notNull().default(true),
  cancelledAt: timestamp('cancelled_at', { withTimezone: true }),
  cancelledBy: uuid('cancelled_by'),
  endedAt: timestamp('ended_at', { withTimezone: true }),
  endReason: text('end_reason').$type<EndReason>(),
  priceOre: integer('price_ore').notNull(),
  period: text('period').$type<BillingPeriod>().notNull(),
  paymentTermDays: integer('payment_term_days').notNull().default(14),
  /** Null once the person who started it was erased (privacy). */
  createdBy: uuid('created_by'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

export const auditLog = schema.table('audit_log', {
  associationId: uuid('association_id').notNull(),
  id: uuid('id').notNull(),
  actor: text('actor').$type<AuditActor>().notNull(),
  actorAccountId: uuid('actor_account_id'),
  actorMemberId: uuid('actor_member_id'),
  /** Set when the acting person was erased from the entry (privacy); actor ids are null from then on. */
  actorErasedAt: timestamp('actor_erased_at', { withTimezone: true }),
  at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  action: text('action').notNull(),
  subject: text('subject').notNull(),
  before: jsonb('before').$type<Record<string, unknown> | null>(),
  after: jsonb('after').$type<Record<string, unknown> | null>(),
});

export const withdrawals = schema.table('withdrawals', {
  id: uuid('id').primaryKey(),
  feature: text('feature').notNull(),
  endsOn: date('ends_on', { mode: 'string' }).notNull(),
  announcedAt: timestamp('announced_at', { withTimezone: true }).notNull().defaultNow(),
  announcedBy: uuid('announced_by').notNull(),
  completedAt: timestamp('completed_at', { withTimezone: true }),
});

export const invoices = schema.table('invoices', {
  associationId: uuid('association_id').notNull(),
  id: uuid('id').notNull(),
  subscriptionId: uuid('subscription_id').notNull(),
  feature: text('feature').notNull(),
  periodStart: date('period_start', { mode: 'string' }).notNull(),
  periodEnd: date('period_end', { mode: 'string' }).notNull(),
  amountOre: integer('amount_ore').notNull(),
  issuedOn: date('issued_on', { mode: 'string' }).notNull(),
  dueOn: date('due_on', { mode: 'string' }).notNull(),
  paidOn: date('paid_on', { mode: 'string' }),
  paidAt: timestamp('paid_at', { withTimezone: true }),
  paidBy: uuid('paid_by'),
  markedPaidNote: text('marked_paid_note'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});
