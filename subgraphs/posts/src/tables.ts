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
  // 0009: when post.published went out; null while a scheduled post waits for its time
  announcedAt: timestamp('announced_at', { withTimezone: true }),
  // 0010: the author deleted it (not a board removal)
  deletedAt: timestamp('deleted_at', { withTimezone: true }),
  // 0015: written while the author's processing was restricted: the author's alone
  withheld: boolean('withheld').notNull().default(false),
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
  // 0006: when event.reminder_due went out
  remindedAt: timestamp('reminded_at', { withTimezone: true }),
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
  // 0017: this member was sent the event's reminder (kept when cancelled, so a second sign-up gets none)
  remindedAt: timestamp('reminded_at', { withTimezone: true }),
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
  // 0015: written while the author's processing was restricted: the author's alone
  withheld: boolean('withheld').notNull().default(false),
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

/**
 * The GraphQL enums whose values resolvers see in lower case, as the database keeps them, each with its type here:
 * codegen types the resolvers with that type, and kit's lowerCaseEnumValues maps the values at run time.
 */
export const LOWER_CASE_ENUMS = {
  PostKind: 'PostKind',
  AudienceKind: 'AudienceKind',
  ModerationState: 'ModerationState',
  GroupKind: 'GroupKind',
  GroupMemberRole: 'GroupRole',
} as const;

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

// ---- Groups (migrations/0007_create_groups.sql) ----

export type GroupKind = 'interest' | 'committee';
export type GroupRole = 'member' | 'admin';
export type JoinRequestDecision = 'approved' | 'declined' | 'withdrawn';

export const groups = schema.table('groups', {
  associationId: uuid('association_id').notNull(),
  id: uuid('id').notNull(),
  kind: text('kind').$type<GroupKind>().notNull(),
  name: text('name').notNull(),
  description: text('description').notNull().default(''),
  open: boolean('open').notNull().default(false),
  committeeId: uuid('committee_id'),
  createdByMemberId: uuid('created_by_member_id').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  archivedAt: timestamp('archived_at', { withTimezone: true }),
});

export const groupMembers = schema.table(
  'group_members',
  {
    associationId: uuid('association_id').notNull(),
    groupId: uuid('group_id').notNull(),
    memberId: uuid('member_id').notNull(),
    role: text('role').$type<GroupRole>().notNull(),
    joinedAt: timestamp('joined_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
    addedByMemberId: uuid('added_by_member_id'),
  },
  (t) => [primaryKey({ columns: [t.associationId, t.groupId, t.memberId] })],
);

export const groupJoinRequests = schema.table('group_join_requests', {
  associationId: uuid('association_id').notNull(),
  id: uuid('id').notNull(),
  groupId: uuid('group_id').notNull(),
  memberId: uuid('member_id').notNull(),
  requestedAt: timestamp('requested_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
  decision: text('decision').$type<JoinRequestDecision>(),
  decidedAt: timestamp('decided_at', { withTimezone: true }),
  decidedByMemberId: uuid('decided_by_member_id'),
});

// Calendar feeds (migrations/0006, 0011) are the kit's calendarFeedsTable: the kit's CalendarFeeds reads and writes them.

// ---- Files and the document library (migrations/0005_create_files_and_documents.sql) ----
import { customType, smallint } from 'drizzle-orm/pg-core';

const bytea = customType<{ data: Buffer }>({ dataType: () => 'bytea' });

export const urlSigningKeys = schema.table('url_signing_keys', {
  name: text('name').primaryKey(),
  secret: bytea('secret').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

export const fileSettings = schema.table('file_settings', {
  associationId: uuid('association_id').primaryKey(),
  maxFileBytes: integer('max_file_bytes').notNull(),
  updatedByMemberId: uuid('updated_by_member_id').notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

export const files = schema.table('files', {
  associationId: uuid('association_id').notNull(),
  id: uuid('id').notNull(),
  uploadedByMemberId: uuid('uploaded_by_member_id').notNull(),
  fileName: text('file_name').notNull(),
  contentType: text('content_type').notNull(),
  sizeBytes: integer('size_bytes').notNull(),
  /** Every stored object of the file (an image's variants too); null for an image from before 0013, not yet measured. */
  storedBytes: bigint('stored_bytes', { mode: 'number' }),
  width: integer('width'),
  height: integer('height'),
  postId: uuid('post_id'),
  postPosition: smallint('post_position'),
  documentId: uuid('document_id'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

export const documentFolders = schema.table('document_folders', {
  associationId: uuid('association_id').notNull(),
  id: uuid('id').notNull(),
  parentId: uuid('parent_id'),
  name: text('name').notNull(),
  createdByMemberId: uuid('created_by_member_id').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

export const documents = schema.table('documents', {
  associationId: uuid('association_id').notNull(),
  id: uuid('id').notNull(),
  folderId: uuid('folder_id').notNull(),
  title: text('title').notNull(),
  description: text('description').notNull().default(''),
  audienceKind: text('audience_kind').$type<AudienceKind>().notNull(),
  audienceId: uuid('audience_id'),
  editorCommitteeId: uuid('editor_committee_id'),
  createdByMemberId: uuid('created_by_member_id').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  deletedAt: timestamp('deleted_at', { withTimezone: true }),
  deletedByMemberId: uuid('deleted_by_member_id'),
});

export const documentVersions = schema.table('document_versions', {
  associationId: uuid('association_id').notNull(),
  id: uuid('id').notNull(),
  documentId: uuid('document_id').notNull(),
  number: integer('number').notNull(),
  fileId: uuid('file_id').notNull(),
  note: text('note').notNull().default(''),
  uploadedByMemberId: uuid('uploaded_by_member_id').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

// ---- Moderation and the code of conduct (migrations/0008_create_moderation_and_conduct.sql) ----
import { date } from 'drizzle-orm/pg-core';

export type ModerationTargetType = 'POST' | 'COMMENT';
export type ReportReason = 'OFFENSIVE' | 'SPAM' | 'ILLEGAL' | 'OTHER';
export type ModerationDecision = 'RESTORE' | 'REMOVE';
export type ModerationActionKind = 'HIDE' | 'RESTORE' | 'REMOVE' | 'SUSPEND_AUTHOR';

export const moderationSettings = schema.table('moderation_settings', {
  associationId: uuid('association_id').notNull().primaryKey(),
  reportThreshold: integer('report_threshold').notNull(),
  updatedByMemberId: uuid('updated_by_member_id').notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

export const moderationCases = schema.table('moderation_cases', {
  associationId: uuid('association_id').notNull(),
  id: uuid('id').notNull(),
  targetType: text('target_type').$type<ModerationTargetType>().notNull(),
  targetId: uuid('target_id').notNull(),
  authorMemberId: uuid('author_member_id').notNull(),
  postId: uuid('post_id').notNull(),
  status: text('status').$type<'OPEN' | 'RESOLVED'>().notNull().default('OPEN'),
  householdCount: integer('household_count').notNull().default(0),
  openedAt: timestamp('opened_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
  lastReportedAt: timestamp('last_reported_at', { withTimezone: true }).notNull().defaultNow(),
  resolvedAt: timestamp('resolved_at', { withTimezone: true, precision: 3 }),
  resolvedByMemberId: uuid('resolved_by_member_id'),
  decision: text('decision').$type<ModerationDecision>(),
});

export const moderationReports = schema.table('moderation_reports', {
  associationId: uuid('association_id').notNull(),
  id: uuid('id').notNull(),
  caseId: uuid('case_id').notNull(),
  targetType: text('target_type').$type<ModerationTargetType>().notNull(),
  targetId: uuid('target_id').notNull(),
  reporterMemberId: uuid('reporter_member_id').notNull(),
  householdId: uuid('household_id').notNull(),
  reason: text('reason').$type<ReportReason>().notNull(),
  note: text('note'),
  reportedAt: timestamp('reported_at', { withTimezone: true }).notNull().defaultNow(),
});

export const moderationActions = schema.table('moderation_actions', {
  associationId: uuid('association_id').notNull(),
  id: uuid('id').notNull(),
  caseId: uuid('case_id'),
  targetType: text('target_type').$type<ModerationTargetType>().notNull(),
  targetId: uuid('target_id').notNull(),
  action: text('action').$type<ModerationActionKind>().notNull(),
  reason: text('reason').notNull(),
  actorMemberId: uuid('actor_member_id'),
  suspendedUntil: date('suspended_until'),
  createdAt: timestamp('created_at', { withTimezone: true, precision: 3 }).notNull().defaultNow(),
});

export const conductVersions = schema.table('conduct_versions', {
  associationId: uuid('association_id').notNull(),
  version: integer('version').notNull(),
  body: text('body').notNull(),
  publishedByMemberId: uuid('published_by_member_id').notNull(),
  publishedAt: timestamp('published_at', { withTimezone: true }).notNull().defaultNow(),
});

export const conductAcceptances = schema.table(
  'conduct_acceptances',
  {
    associationId: uuid('association_id').notNull(),
    memberId: uuid('member_id').notNull(),
    version: integer('version').notNull(),
    acceptedAt: timestamp('accepted_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.associationId, t.memberId, t.version] })],
);
