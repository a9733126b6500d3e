import { bigint, boolean, pgSchema, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/** Drizzle's view of the tables that migrations/ creates; the SQL files are the source of truth. */
export const schema = pgSchema('operations');

/** How often a maintenance task comes round (GraphQL MaintenanceRecurrence in upper case; decision 0043). */
export type { Recurrence } from './maintenance/maintenance.rules';

/** What a fault is about (GraphQL ServiceRequestCategory in upper case). */
export type ServiceRequestCategory = 'plumbing' | 'electrical' | 'heating_ventilation' | 'common_areas' | 'outdoor' | 'security_locks' | 'other';
export type ServiceRequestUrgency = 'normal' | 'urgent';
/** Why a request is urgent; only these make it so. */
export type UrgentReason = 'water_leak' | 'no_heat' | 'no_power' | 'locked_out';
export type ServiceRequestStatus = 'new' | 'acknowledged' | 'in_progress' | 'waiting' | 'resolved' | 'closed' | 'rejected';
/** Where the fault is: the reporter's own unit, a building, or a common area (in a building or on the grounds). */
export type LocationKind = 'unit' | 'building' | 'common_area';
/** Who reads a comment on a service request (decision 0042): the reporter too, or the board and the assignee only. */
export type CommentVisibility = 'public' | 'internal';
/** Who changed a request's status: a member, an operator in a support session, or a job. */
export type ActorKind = 'member' | 'operator' | 'system';

/**
 * The GraphQL enums whose values resolvers see in lower case, as the database keeps them, each with its type here:
 * codegen types the resolvers with that type, and kit's lowerCaseEnumValues maps the values at run time.
 */
export const LOWER_CASE_ENUMS = {
  ServiceRequestCategory: 'ServiceRequestCategory',
  ServiceRequestUrgency: 'ServiceRequestUrgency',
  UrgentReason: 'UrgentReason',
  ServiceRequestStatus: 'ServiceRequestStatus',
  ServiceRequestLocationKind: 'LocationKind',
  ServiceRequestActorKind: 'ActorKind',
  ServiceRequestCommentVisibility: 'CommentVisibility',
  MaintenanceRecurrence: 'Recurrence',
} as const;

export const serviceRequests = schema.table('service_requests', {
  associationId: uuid('association_id').notNull(),
  id: uuid('id').notNull(),
  reporterMemberId: uuid('reporter_member_id').notNull(),
  category: text('category').$type<ServiceRequestCategory>().notNull(),
  locationKind: text('location_kind').$type<LocationKind>().notNull(),
  unitId: uuid('unit_id'),
  buildingId: uuid('building_id'),
  place: text('place'),
  title: text('title').notNull(),
  description: text('description').notNull(),
  urgency: text('urgency').$type<ServiceRequestUrgency>().notNull(),
  urgentReason: text('urgent_reason').$type<UrgentReason>(),
  status: text('status').$type<ServiceRequestStatus>().notNull(),
  visibleToResidents: boolean('visible_to_residents').notNull().default(false),
  rejectionReason: text('rejection_reason'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
  acknowledgedAt: timestamp('acknowledged_at', { withTimezone: true }),
  resolvedAt: timestamp('resolved_at', { withTimezone: true }),
  closedAt: timestamp('closed_at', { withTimezone: true }),
  /** Whom it is assigned to, and since when (migration 0003, decision 0042); null while nobody is. */
  assigneeMemberId: uuid('assignee_member_id'),
  assignedAt: timestamp('assigned_at', { withTimezone: true }),
  // Decision 0043: stamped by the deadline sweep from the rules shortly after the report; when the one overdue notice went.
  responseDueAt: timestamp('response_due_at', { withTimezone: true }),
  resolutionDueAt: timestamp('resolution_due_at', { withTimezone: true }),
  overdueNotifiedAt: timestamp('overdue_notified_at', { withTimezone: true }),
  /** The booking it is linked to and who booked it (migration 0009, decision 0041 addendum "links"); null while none. */
  bookingId: uuid('booking_id'),
  bookerMemberId: uuid('booker_member_id'),
});

export const statusChanges = schema.table('service_request_status_changes', {
  associationId: uuid('association_id').notNull(),
  id: uuid('id').notNull(),
  requestId: uuid('request_id').notNull(),
  at: timestamp('at', { withTimezone: true }).notNull(),
  actorMemberId: uuid('actor_member_id'),
  actorKind: text('actor_kind').$type<ActorKind>().notNull(),
  fromStatus: text('from_status').$type<ServiceRequestStatus>(),
  toStatus: text('to_status').$type<ServiceRequestStatus>().notNull(),
  reason: text('reason'),
  seq: bigint('seq', { mode: 'number' }).generatedAlwaysAsIdentity(),
});
