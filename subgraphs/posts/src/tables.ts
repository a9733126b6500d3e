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
  // 0004: kinds, audiences, scheduling, moderation
  kind: text('kind').$type<PostKind>().notNull().default('bulletin'),
  audienceKind: text('audience_kind').$type<AudienceKind>().notNull().default('association'),
  audienceId: uuid('audience_id'),
  expiresAt: timestamp('expires_at', { withTimezone: true, precision: 3 }),
  pinnedAt: timestamp('pinned_at', { withTimezone: true }),
  important: boolean('important').notNull().default(false),
  editedAt: timestamp('edited_at', { withTimezone: true }),
  moderationState: text('moderation_state').$type<ModerationState>().notNull().default('visible'),
  moderatedAt: timestamp('moderated_at', { withTimezone: true }),
});

// Events (0002). Imports hoist, so this block can be appended without touching the file's head.
import { bigint, integer } from 'drizzle-orm/pg-core';

export const events = schema.table('events', {
  associationId: uuid('association_id').notNull(),
  id: uuid('id').notNull(),
  createdByMemberId: uuid('created_by_member_id').notNull(),
  title: text('title').notNull(),
  description: text('description').notNull().default(''),
  place: text('place').notNull().default(''),
  startsAt: timestamp('starts_at', { withTimezone: true, precision: 3 }).notNull(),
  endsAt: timestamp('ends_at', { withTimezone: true, precision: 3 }).notNull(),
  capacity: integer('capacity'),
  signupDeadline: timestamp('signup_deadline', { withTimezone: true, precision: 3 }),
  maxGuestsPerSignup: integer('max_guests_per_signup').notNull().default(0),
  pricePerAdult: integer('price_per_adult').notNull().default(0),
  pricePerChild: integer('price_per_child').notNull().default(0),
  cancelledAt: timestamp('cancelled_at', { withTimezone: true }),
  cancelReason: text('cancel_reason'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

export const eventSignups = schema.table('event_signups', {
  associationId: uuid('association_id').notNull(),
  id: uuid('id').notNull(),
  eventId: uuid('event_id').notNull(),
  memberId: uuid('member_id').notNull(),
  adults: integer('adults').notNull(),
  children: integer('children').notNull().default(0),
  status: text('status', { enum: ['confirmed', 'waitlisted', 'cancelled'] }).notNull(),
  seq: bigint('seq', { mode: 'number' }).generatedAlwaysAsIdentity(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  cancelledAt: timestamp('cancelled_at', { withTimezone: true }),
});

// ---- Comments and reactions (migrations/0003_create_comments_and_reactions.sql) ----

export const comments = schema.table('comments', {
  associationId: uuid('association_id').notNull(),
  id: uuid('id').notNull(),
  postId: uuid('post_id').notNull(),
  parentId: uuid('parent_id'),
  authorMemberId: uuid('author_member_id').notNull(),
  body: text('body').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
  editedAt: timestamp('edited_at', { withTimezone: true }),
  deletedAt: timestamp('deleted_at', { withTimezone: true }),
  deletedByMemberId: uuid('deleted_by_member_id'),
  // 0004: moderation
  moderationState: text('moderation_state').$type<ModerationState>().notNull().default('visible'),
  moderatedAt: timestamp('moderated_at', { withTimezone: true }),
});

export const commentEdits = schema.table('comment_edits', {
  associationId: uuid('association_id').notNull(),
  id: uuid('id').notNull(),
  commentId: uuid('comment_id').notNull(),
  body: text('body').notNull(),
  replacedAt: timestamp('replaced_at', { withTimezone: true }).notNull().defaultNow(),
});

export const reactions = schema.table('reactions', {
  associationId: uuid('association_id').notNull(),
  targetType: text('target_type').$type<'POST' | 'COMMENT'>().notNull(),
  targetId: uuid('target_id').notNull(),
  memberId: uuid('member_id').notNull(),
  reaction: text('reaction').$type<'LIKE' | 'HEART' | 'LAUGH' | 'SAD' | 'CELEBRATE'>().notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

// ---- Kinds, audiences, scheduling, moderation state and reads (migrations/0004) ----
import { boolean, primaryKey } from 'drizzle-orm/pg-core';

export type PostKind = 'news' | 'bulletin' | 'article';
export type AudienceKind = 'association' | 'building' | 'committee' | 'group' | 'board';
export type ModerationState = 'visible' | 'hidden' | 'removed';

export const postReads = schema.table(
  'post_reads',
  {
    associationId: uuid('association_id').notNull(),
    postId: uuid('post_id').notNull(),
    memberId: uuid('member_id').notNull(),
    readAt: timestamp('read_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.associationId, t.postId, t.memberId] })],
);
