import { pgSchema, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/** Drizzle's view of the tables that migrations/ creates; the SQL files are the source of truth. */
export const schema = pgSchema('posts');

export const posts = schema.table('posts', {
  associationId: uuid('association_id').notNull(),
  id: uuid('id').notNull(),
  authorMemberId: uuid('author_member_id').notNull(),
  title: text('title').notNull(),
  body: text('body').notNull(),
  publishedAt: timestamp('published_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});
