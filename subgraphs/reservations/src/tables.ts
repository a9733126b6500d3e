import { boolean, customType, integer, jsonb, pgSchema, smallint, text, time, timestamp, uuid } from 'drizzle-orm/pg-core';

/** Drizzle's view of the tables that migrations/ creates; the SQL files are the source of truth. */
export const schema = pgSchema('reservations');

/** A half-open instant range `[start, end)`, as PostgreSQL's tstzrange with the default bounds. */
export interface TimeRange {
  start: Date;
  end: Date;
}

/**
 * tstzrange ⇄ TimeRange. Ranges are always written `[start,end)` with ISO instants; PostgreSQL answers in its own
 * text form (`["2026-03-29 01:00:00+00","2026-03-29 04:00:00+00")`), which Date parses once the quotes are gone.
 */
export const tstzrange = customType<{ data: TimeRange; driverData: string }>({
  dataType: () => 'tstzrange',
  toDriver: (range) => `[${range.start.toISOString()},${range.end.toISOString()})`,
  fromDriver: (text) => parseRange(text),
});

export function parseRange(text: string): TimeRange {
  const match = /^\[("?)([^",]+)\1,("?)([^",]+)\3\)$/.exec(text);
  if (!match) throw new Error(`not a closed-open tstzrange: ${text}`);
  return { start: instantOf(match[2]!), end: instantOf(match[4]!) };
}

/** PostgreSQL writes an offset of whole hours as `+00`, which Date refuses until it reads `+00:00`. */
function instantOf(text: string): Date {
  return new Date(text.replace(' ', 'T').replace(/([+-]\d\d)$/, '$1:00'));
}

export type BookingMode = 'slots' | 'range' | 'days';
export type PriceUnit = 'free' | 'per_booking' | 'per_slot' | 'per_hour' | 'per_night';
export type BookerRole = 'resident' | 'board' | 'external';
export type BookingStatus = 'pending' | 'confirmed' | 'cancelled' | 'rejected';
export type ChargeReason = 'booking' | 'late_cancellation' | 'cancellation_refund';
export type QuotaPer = 'unit' | 'person';
export type QuotaPeriod = 'future' | 'calendar_year' | 'calendar_month' | 'rolling';

/**
 * The GraphQL enums whose values resolvers see in lower case, as the database keeps them, each with its type here:
 * codegen types the resolvers with that type, and kit's lowerCaseEnumValues maps the values at run time.
 */
export const LOWER_CASE_ENUMS = {
  BookingMode: 'BookingMode',
  PriceUnit: 'PriceUnit',
  MemberRole: 'BookerRole',
  QuotaPer: 'QuotaPer',
  QuotaPeriod: 'QuotaPeriod',
  BookingStatus: 'BookingStatus',
  ChargeReason: 'ChargeReason',
} as const;
/** A fixed slot in wall-clock time of the resource's time zone, "HH:MM"; an end of "24:00" is midnight. */
export interface SlotTemplate {
  start: string;
  end: string;
}

export const locations = schema.table('locations', {
  associationId: uuid('association_id').notNull(),
  id: uuid('id').notNull(),
  name: text('name').notNull(),
  address: text('address'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

export const resources = schema.table('resources', {
  associationId: uuid('association_id').notNull(),
  id: uuid('id').notNull(),
  locationId: uuid('location_id'),
  name: text('name').notNull(),
  description: text('description').notNull().default(''),
  photoUrls: text('photo_urls').array().notNull().default([]),
  capacity: integer('capacity'),
  timeZone: text('time_zone').notNull().default('Europe/Oslo'),
  bookingMode: text('booking_mode').$type<BookingMode>().notNull(),
  slots: jsonb('slots').$type<SlotTemplate[]>().notNull().default([]),
  minDurationMinutes: integer('min_duration_minutes'),
  maxDurationMinutes: integer('max_duration_minutes'),
  checkInTime: time('check_in_time'),
  checkOutTime: time('check_out_time'),
  minNoticeMinutes: integer('min_notice_minutes').notNull().default(0),
  bookingHorizonDays: integer('booking_horizon_days'),
  bufferMinutes: integer('buffer_minutes').notNull().default(0),
  whoMayBook: text('who_may_book').array().$type<BookerRole[]>().notNull().default(['resident', 'board']),
  requiresApproval: boolean('requires_approval').notNull().default(false),
  rulesText: text('rules_text'),
  requiresRulesAcceptance: boolean('requires_rules_acceptance').notNull().default(false),
  priceUnit: text('price_unit').$type<PriceUnit>().notNull().default('free'),
  weekdayPrice: integer('weekday_price').notNull().default(0),
  weekendPrice: integer('weekend_price').notNull().default(0),
  deposit: integer('deposit').notNull().default(0),
  freeForBoard: boolean('free_for_board').notNull().default(false),
  cancellationDeadlineHours: integer('cancellation_deadline_hours').notNull().default(0),
  lateCancellationFeePercent: integer('late_cancellation_fee_percent').notNull().default(0),
  archivedAt: timestamp('archived_at', { withTimezone: true }),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

export const openingHours = schema.table('opening_hours', {
  associationId: uuid('association_id').notNull(),
  resourceId: uuid('resource_id').notNull(),
  /** ISO weekday, 1 = Monday. */
  weekday: smallint('weekday').notNull(),
  opens: time('opens').notNull(),
  closes: time('closes').notNull(),
});

export const closedPeriods = schema.table('closed_periods', {
  associationId: uuid('association_id').notNull(),
  id: uuid('id').notNull(),
  resourceId: uuid('resource_id').notNull(),
  during: tstzrange('during').notNull(),
  reason: text('reason').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

export const quotas = schema.table('quotas', {
  associationId: uuid('association_id').notNull(),
  id: uuid('id').notNull(),
  resourceId: uuid('resource_id').notNull(),
  per: text('per').$type<QuotaPer>().notNull(),
  period: text('period').$type<QuotaPeriod>().notNull(),
  periodDays: integer('period_days'),
  maxBookings: integer('max_bookings').notNull(),
});

export const bookings = schema.table('bookings', {
  associationId: uuid('association_id').notNull(),
  id: uuid('id').notNull(),
  resourceId: uuid('resource_id').notNull(),
  bookerMemberId: uuid('booker_member_id').notNull(),
  unitId: uuid('unit_id'),
  during: tstzrange('during').notNull(),
  blocked: tstzrange('blocked').notNull(),
  status: text('status').$type<BookingStatus>().notNull(),
  comment: text('comment'),
  hideName: boolean('hide_name').notNull().default(false),
  idempotencyKey: text('idempotency_key').notNull(),
  price: integer('price').notNull().default(0),
  deposit: integer('deposit').notNull().default(0),
  rulesAcceptedAt: timestamp('rules_accepted_at', { withTimezone: true }),
  decidedAt: timestamp('decided_at', { withTimezone: true }),
  decidedByMemberId: uuid('decided_by_member_id'),
  decisionReason: text('decision_reason'),
  cancelledAt: timestamp('cancelled_at', { withTimezone: true }),
  cancelledByMemberId: uuid('cancelled_by_member_id'),
  cancelReason: text('cancel_reason'),
  remindedAt: timestamp('reminded_at', { withTimezone: true }),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

export const charges = schema.table('charges', {
  associationId: uuid('association_id').notNull(),
  id: uuid('id').notNull(),
  bookingId: uuid('booking_id').notNull(),
  unitId: uuid('unit_id'),
  memberId: uuid('member_id').notNull(),
  amount: integer('amount').notNull(),
  reason: text('reason').$type<ChargeReason>().notNull(),
  description: text('description').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

// Calendar feeds (migrations/0001, 0004, 0005) are the kit's calendarFeedsTable: the kit's CalendarFeeds reads and writes them.
