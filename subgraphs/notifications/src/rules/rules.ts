import type { Event } from '@tunet/kit';
import { z } from 'zod';
import type { NotificationIntent, RecipientSpec } from '../model';
import * as messages from './messages';

/**
 * What each domain event means for whom: its category, who receives it, what it is about, and its texts
 * (messages.ts). Payloads are read exactly as their producers write them (posts, reservations, members); a topic
 * that is not here notifies nobody. Skipped on purpose: `member.moved_out` (the person is no current member to
 * reach any more), `board.term_ended` (a term ends on the day the board set for it, which its member knows) and
 * `moderation.suspension_requested` (members answers it with `member.suspended`, which is told).
 */

/**
 * A payload of a known topic that does not have the shape its producer writes. `intentsFor` throws it rather than
 * notifying nobody in silence: the caller logs it and moves on, since no redelivery would make it readable.
 */
export class MalformedEvent extends Error {
  constructor(
    readonly eventId: string,
    readonly topic: string,
    readonly issues: string,
  ) {
    super(`The payload of ${topic} event ${eventId} is not what its producer writes: ${issues}`);
    this.name = 'MalformedEvent';
  }
}

type Rule = (event: Event) => NotificationIntent[];

function rule<S extends z.ZodType>(schema: S, intents: (payload: z.output<S>, event: Event) => NotificationIntent[]): Rule {
  return (event) => {
    const parsed = schema.safeParse(event.payload);
    if (!parsed.success) throw new MalformedEvent(event.eventId, event.topic, z.prettifyError(parsed.error));
    return intents(parsed.data, event);
  };
}

/** Named members; nobody to tell means no intent at all. */
function toMembers(memberIds: readonly string[], intent: Omit<NotificationIntent, 'recipients'>): NotificationIntent[] {
  return memberIds.length === 0 ? [] : [{ ...intent, recipients: { kind: 'members', memberIds } }];
}

const id = z.guid();
const instant = z.iso.datetime({ offset: true });
const memberIds = z.array(id);

// Posts keeps audience ids null for the association and the board, and requires them for the others.
const audience = z.union([
  z.object({ kind: z.enum(['association', 'board']), id: z.null() }),
  z.object({ kind: z.enum(['building', 'committee', 'group']), id }),
]);
const targetType = z.enum(['POST', 'COMMENT']);

const bookingSummary = z.object({ bookingId: id, resourceId: id, resourceName: z.string(), start: instant, end: instant });

const RULES: Record<string, Rule> = {
  // --- posts -----------------------------------------------------------------------------------------------------
  'post.published': rule(
    z.object({
      postId: id,
      kind: z.enum(['news', 'bulletin', 'article']),
      title: z.string().min(1),
      excerpt: z.string(),
      audience,
      important: z.boolean(),
      authorMemberId: id,
    }),
    (post, event) => [
      {
        category: post.important ? 'important' : 'news',
        important: post.important,
        recipients: { kind: 'audience', audience: post.audience },
        exceptMemberIds: [post.authorMemberId],
        subject: { type: 'Post', id: post.postId },
        render: messages.postPublished(post, event.occurredAt),
      },
    ],
  ),
  'comment.created': rule(z.object({ postId: id, commentId: id, authorMemberId: id, recipients: memberIds }), (comment, event) =>
    toMembers(comment.recipients, {
      category: 'comments',
      important: false,
      exceptMemberIds: [comment.authorMemberId],
      subject: { type: 'Comment', id: comment.commentId },
      render: messages.commentCreated(comment, event.occurredAt),
    }),
  ),
  'event.signup_promoted': rule(z.object({ eventId: id, memberId: id, signupId: id }), (signup, event) =>
    toMembers([signup.memberId], {
      category: 'events',
      important: false,
      subject: { type: 'Event', id: signup.eventId },
      render: messages.signupPromoted(signup, event.occurredAt),
    }),
  ),
  'event.reminder_due': rule(
    z.object({ eventId: id, title: z.string().min(1), startsAt: instant, place: z.string(), recipients: memberIds }),
    (reminder, event) =>
      toMembers(reminder.recipients, {
        category: 'events',
        important: false,
        subject: { type: 'Event', id: reminder.eventId },
        render: messages.eventReminder(reminder, event.occurredAt),
      }),
  ),
  'content.reported': rule(
    z.object({
      caseId: id,
      targetType,
      targetId: id,
      reason: z.enum(['OFFENSIVE', 'SPAM', 'ILLEGAL', 'OTHER']),
      householdCount: z.number().int().min(1),
      hidden: z.boolean(),
    }),
    (report, event) => [
      {
        category: 'comments',
        important: false,
        recipients: { kind: 'board' },
        subject: { type: report.targetType === 'POST' ? 'Post' : 'Comment', id: report.targetId },
        render: messages.contentReported(report, event.occurredAt),
      },
    ],
  ),
  'content.moderated': rule(
    z.object({
      recipients: memberIds,
      action: z.enum(['HIDE', 'RESTORE', 'REMOVE']),
      reason: z.string().min(1),
      targetType,
      targetId: id,
      postId: id,
      caseId: id.nullable(),
    }),
    (moderation, event) =>
      toMembers(moderation.recipients, {
        category: 'account',
        important: false,
        subject: { type: moderation.targetType === 'POST' ? 'Post' : 'Comment', id: moderation.targetId },
        render: messages.contentModerated(moderation, event.occurredAt),
      }),
  ),
  'group.join_requested': rule(z.object({ groupId: id, requestId: id, memberId: id, recipients: memberIds }), (request, event) =>
    toMembers(request.recipients, {
      category: 'comments',
      important: false,
      subject: { type: 'Group', id: request.groupId },
      render: messages.joinRequested(request, event.occurredAt),
    }),
  ),
  // Only those someone else let in are told: a member who joined an open group did it themselves.
  'group.member_added': rule(
    z.object({ groupId: id, memberId: id, role: z.enum(['member', 'admin']), addedByMemberId: id.nullable() }),
    (added, event) =>
      added.addedByMemberId === null || added.addedByMemberId === added.memberId
        ? []
        : toMembers([added.memberId], {
            category: 'comments',
            important: false,
            subject: { type: 'Group', id: added.groupId },
            render: messages.addedToGroup(added, event.occurredAt),
          }),
  ),
  'conduct.published': rule(z.object({ version: z.number().int().min(1), publishedByMemberId: id }), (conduct, event) => [
    {
      category: 'important',
      important: true,
      recipients: { kind: 'audience', audience: { kind: 'association', id: null } },
      exceptMemberIds: [conduct.publishedByMemberId],
      render: messages.conductPublished(conduct, event.occurredAt),
    },
  ]),

  // --- reservations ----------------------------------------------------------------------------------------------
  'reservation.confirmed': rule(bookingSummary.extend({ bookerMemberId: id, recipients: memberIds }), (booking, event) =>
    toMembers(booking.recipients, {
      category: 'reservations',
      important: false,
      subject: { type: 'Booking', id: booking.bookingId },
      render: messages.bookingConfirmed(booking, event.occurredAt),
    }),
  ),
  // Recipients are empty when the booker cancelled themselves.
  'reservation.cancelled': rule(
    bookingSummary.extend({
      bookerMemberId: id,
      recipients: memberIds,
      reason: z.string().nullable(),
      byBoard: z.boolean(),
      rejected: z.boolean(),
    }),
    (booking, event) =>
      toMembers(booking.recipients, {
        category: 'reservations',
        important: false,
        subject: { type: 'Booking', id: booking.bookingId },
        render: messages.bookingCancelled(booking, event.occurredAt),
      }),
  ),
  'reservation.approval_requested': rule(bookingSummary.extend({ bookerMemberId: id, recipientRole: z.literal('board') }), (booking, event) => [
    {
      category: 'reservations',
      important: false,
      recipients: { kind: 'board' },
      subject: { type: 'Booking', id: booking.bookingId },
      render: messages.bookingAwaitsApproval(booking, event.occurredAt),
    },
  ]),
  'reservation.reminder_due': rule(bookingSummary.extend({ recipients: memberIds }), (booking, event) =>
    toMembers(booking.recipients, {
      category: 'reservations',
      important: false,
      subject: { type: 'Booking', id: booking.bookingId },
      render: messages.bookingReminder(booking, event.occurredAt),
    }),
  ),

  // --- members ---------------------------------------------------------------------------------------------------
  // The invitee is no member yet who could be looked up: the invitation's address is all there is.
  'member.invited': rule(
    z.object({ invitationId: id, memberId: id, email: z.email(), displayName: z.string(), token: z.string().min(1), expiresAt: instant }),
    (invited, event) => [
      {
        category: 'account',
        important: false,
        recipients: { kind: 'address', email: invited.email, name: invited.displayName },
        render: messages.invitation(invited, event.occurredAt),
      },
    ],
  ),
  // The new address gets the link that confirms it; the old one is warned, without the link.
  'account.email_change_requested': rule(
    z.object({ changeId: id, accountId: id, oldEmail: z.email(), newEmail: z.email(), token: z.string().min(1), expiresAt: instant }),
    (change, event) => [
      {
        category: 'account',
        important: false,
        recipients: { kind: 'address', email: change.newEmail },
        render: messages.confirmNewEmail(change, event.occurredAt),
      },
      {
        category: 'account',
        important: false,
        recipients: { kind: 'address', email: change.oldEmail },
        render: messages.emailChanging(change, event.occurredAt),
      },
    ],
  ),
  'member.suspended': rule(z.object({ memberId: id, reason: z.string().min(1), until: z.iso.date().nullable() }), (suspension, event) => {
    // The directory leaves suspended members out of every spec but the one telling them of their suspension.
    const recipients: RecipientSpec = { kind: 'members', memberIds: [suspension.memberId], includeSuspended: true };
    return [{ category: 'account', important: false, recipients, render: messages.suspended(suspension, event.occurredAt) }];
  }),
  'member.joined': rule(z.object({ memberId: id, invitationId: id }), (joined, event) =>
    toMembers([joined.memberId], { category: 'account', important: false, render: messages.welcome(event.occurredAt) }),
  ),
};

/** Every topic the rules turn into notifications: the topics the notifications consumer group subscribes to. */
export const NOTIFICATION_TOPICS: readonly string[] = Object.keys(RULES);

/**
 * What the event means for whom: none, one, or (an e-mail change) two intents, each with its own recipients. None
 * for a topic that notifies nobody. Throws `MalformedEvent` for a known topic whose payload it cannot read.
 */
export function intentsFor(event: Event): NotificationIntent[] {
  // Own properties only: a topic such as `constructor` must not reach Object.prototype.
  const handle = Object.hasOwn(RULES, event.topic) ? RULES[event.topic] : undefined;
  return handle ? handle(event) : [];
}
