import { z } from 'zod';
import { topic } from './contract';
import { date, id, instant, memberIds } from './fields';

// Posts keeps audience ids null for the association and the board, and requires them for the others.
const audience = z.union([
  z.strictObject({ kind: z.enum(['association', 'board']), id: z.null() }),
  z.strictObject({ kind: z.enum(['building', 'committee', 'group']), id }),
]);
const targetType = z.enum(['POST', 'COMMENT']);

/** Events of the posts subgraph. */
export const postTopics = {
  'post.published': topic({
    version: 1,
    producer: 'posts',
    consumers: ['notifications'],
    description: 'A post became visible to its audience (at once or at its scheduled time).',
    schema: z.strictObject({
      postId: id,
      kind: z.enum(['news', 'bulletin', 'article']),
      title: z.string().min(1),
      excerpt: z.string(),
      audience,
      important: z.boolean(),
      authorMemberId: id,
      publishedAt: instant,
    }),
  }),
  'comment.created': topic({
    version: 1,
    producer: 'posts',
    consumers: ['notifications'],
    description: "A comment was written; `recipients` are the post's author and the thread's participants but the commenter.",
    schema: z.strictObject({ postId: id, commentId: id, authorMemberId: id, recipients: memberIds }),
  }),
  'event.signup_promoted': topic({
    version: 1,
    producer: 'posts',
    consumers: ['notifications'],
    description: 'A sign-up moved from the waitlist to confirmed when a seat freed up.',
    schema: z.strictObject({ eventId: id, memberId: id, signupId: id }),
  }),
  'event.reminder_due': topic({
    version: 1,
    producer: 'posts',
    consumers: ['notifications'],
    description:
      'An event starts within 24 hours; `recipients` have a confirmed sign-up: all of them when the sweep reaches the event 24 hours before, or one member whose seat is confirmed later (a sign-up, or a promotion from the waitlist) at that moment, until the start, unless already reminded for this event (a member who cancels and comes back gets no second).',
    schema: z.strictObject({ eventId: id, title: z.string().min(1), startsAt: instant, place: z.string(), recipients: memberIds }),
  }),
  'content.reported': topic({
    version: 1,
    producer: 'posts',
    consumers: ['notifications'],
    description: 'A resident reported a post or comment; `hidden` when enough households did.',
    schema: z.strictObject({
      caseId: id,
      targetType,
      targetId: id,
      reason: z.enum(['OFFENSIVE', 'SPAM', 'ILLEGAL', 'OTHER']),
      householdCount: z.number().int().min(1),
      hidden: z.boolean(),
    }),
  }),
  'content.moderated': topic({
    version: 1,
    producer: 'posts',
    consumers: ['notifications'],
    description: 'A post or comment was hidden, restored or removed; `recipients` is its author unless they did it.',
    schema: z.strictObject({
      recipients: memberIds,
      action: z.enum(['HIDE', 'RESTORE', 'REMOVE']),
      reason: z.string().min(1),
      targetType,
      targetId: id,
      postId: id,
      caseId: id.nullable(),
    }),
  }),
  'moderation.suspension_requested': topic({
    version: 1,
    producer: 'posts',
    consumers: ['members'],
    description: 'The board, moderating, asked for the author of removed content to be suspended.',
    schema: z.strictObject({
      associationId: id,
      memberId: id,
      reason: z.string().trim().min(1).max(500),
      until: date.nullable(),
      requestedByMemberId: id,
      caseId: id,
    }),
  }),
  'group.join_requested': topic({
    version: 1,
    producer: 'posts',
    consumers: ['notifications'],
    description: "A member asked to join a closed group; `recipients` are the group's admins.",
    schema: z.strictObject({ groupId: id, requestId: id, memberId: id, recipients: memberIds }),
  }),
  'group.member_added': topic({
    version: 1,
    producer: 'posts',
    consumers: ['notifications'],
    description: 'A member joined a group, by themselves (`addedByMemberId` null or their own) or let in by an admin.',
    schema: z.strictObject({ groupId: id, memberId: id, role: z.enum(['member', 'admin']), addedByMemberId: id.nullable() }),
  }),
  'conduct.published': topic({
    version: 1,
    producer: 'posts',
    consumers: ['notifications'],
    description: 'The board published a new version of the code of conduct, which members accept before they post.',
    schema: z.strictObject({ version: z.number().int().min(1), publishedByMemberId: id }),
  }),
};
