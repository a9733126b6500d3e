import { smallint, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { schema } from '../tables';

/** The reporter's rating of a resolved service request, one per request (migration 0003, decision 0042). */
export const serviceRequestRatings = schema.table('service_request_ratings', {
  associationId: uuid('association_id').notNull(),
  requestId: uuid('request_id').notNull(),
  raterMemberId: uuid('rater_member_id').notNull(),
  score: smallint('score').notNull(),
  comment: text('comment'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
});
