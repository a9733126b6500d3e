import { text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { schema } from '../tables';

/** The supplier engaged on a service request, with its contact person (migration 0003, decision 0042). */
export const serviceRequestSuppliers = schema.table('service_request_suppliers', {
  associationId: uuid('association_id').notNull(),
  requestId: uuid('request_id').notNull(),
  name: text('name').notNull(),
  contactName: text('contact_name'),
  contactEmail: text('contact_email'),
  contactPhone: text('contact_phone'),
  engagedByMemberId: uuid('engaged_by_member_id'),
  engagedAt: timestamp('engaged_at', { withTimezone: true }).notNull(),
});
