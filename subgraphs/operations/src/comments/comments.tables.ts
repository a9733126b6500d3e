import { text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { schema, type CommentVisibility } from '../tables';

/** Comments on service requests, PUBLIC or INTERNAL (migration 0003, decision 0042). */
export const serviceRequestComments = schema.table('service_request_comments', {
  associationId: uuid('association_id').notNull(),
  id: uuid('id').notNull(),
  requestId: uuid('request_id').notNull(),
  authorMemberId: uuid('author_member_id').notNull(),
  visibility: text('visibility').$type<CommentVisibility>().notNull(),
  body: text('body').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
});
