import { tunetEvents, type TunetPayload, type TunetTopic } from '@tunet/events';
import type { Event } from '@tunet/kit';
import { z } from 'zod';
import type { NotificationIntent, RecipientSpec } from '../model';
import * as agreementMessages from './messages/agreement.messages';
import * as billingMessages from './messages/billing.messages';
import * as memberMessages from './messages/members.messages';
import * as deadlineMessages from './messages/operations-deadlines.messages';
import * as maintenanceMessages from './messages/operations-maintenance.messages';
import * as postMessages from './messages/posts.messages';
import * as privacyMessages from './messages/privacy.messages';
import * as reservationMessages from './messages/reservations.messages';
import * as serviceRequestMessages from './messages/service-requests.messages';

/**
 * What each domain event means for whom: its category, who receives it, what it is about, and its texts (messages/,
 * one catalogue per producing domain). Payloads are read by their topics' contracts (packages/events), as their
 * producers write them; a topic that is not here notifies nobody. Skipped on purpose: `member.moved_out` (the person is no current member to
 * reach any more), `board.term_ended` (a term ends on the day the board set for it, which its member knows) and
 * `moderation.suspension_requested` (members answers it with `member.suspended`, which is told).
 * `association.terminated` is no message: it closes the association (closures/), after which nobody there is told anything.
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

/** What one topic's events mean, from their payload as the topic's contract parses it. */
type Rules = { [T in TunetTopic]?: (payload: TunetPayload<T>, event: Event) => NotificationIntent[] };

/**
 * A billing message: to every current board member and, once, to the association's contact e-mail (the address in
 * its legal details), in the billing category that cannot be turned off.
 */
function toBoardAndContact(intent: Pick<NotificationIntent, 'important' | 'subject' | 'render'>): NotificationIntent[] {
  return [
    { ...intent, category: 'billing', recipients: { kind: 'board' } },
    { ...intent, category: 'billing', recipients: { kind: 'contact' } },
  ];
}

/**
 * A privacy message for the association as controller: its current board and its contact e-mail, in the privacy
 * category that cannot be turned off (sub-processor changes, breaches, the terminated association's export).
 */
function toControllerAbout(intent: Pick<NotificationIntent, 'important' | 'subject' | 'render'>): NotificationIntent[] {
  return [
    { ...intent, category: 'privacy', recipients: { kind: 'board' } },
    { ...intent, category: 'privacy', recipients: { kind: 'contact' } },
  ];
}

/** Named members; nobody to tell means no intent at all. */
function toMembers(memberIds: readonly string[], intent: Omit<NotificationIntent, 'recipients'>): NotificationIntent[] {
  return memberIds.length === 0 ? [] : [{ ...intent, recipients: { kind: 'members', memberIds } }];
}

const RULES: Rules = {
  // --- posts -----------------------------------------------------------------------------------------------------
  'post.published': (post, event) => [
    {
      category: post.important ? 'important' : 'news',
      important: post.important,
      newsletter: post.kind === 'news' && !post.important,
      recipients: { kind: 'audience', audience: post.audience },
      exceptMemberIds: [post.authorMemberId],
      subject: { type: 'Post', id: post.postId },
      content: { kind: 'posts', authorMemberId: post.authorMemberId },
      render: postMessages.postPublished(post, event.occurredAt),
    },
  ],
  'comment.created': (comment, event) =>
    toMembers(comment.recipients, {
      category: 'comments',
      important: false,
      exceptMemberIds: [comment.authorMemberId],
      subject: { type: 'Comment', id: comment.commentId },
      content: { kind: 'comments', authorMemberId: comment.authorMemberId },
      render: postMessages.commentCreated(comment, event.occurredAt),
    }),
  'event.signup_promoted': (signup, event) =>
    toMembers([signup.memberId], {
      category: 'events',
      important: false,
      subject: { type: 'Event', id: signup.eventId },
      render: postMessages.signupPromoted(signup, event.occurredAt),
    }),
  'event.reminder_due': (reminder, event) =>
    toMembers(reminder.recipients, {
      category: 'events',
      important: false,
      subject: { type: 'Event', id: reminder.eventId },
      render: postMessages.eventReminder(reminder, event.occurredAt),
    }),
  'content.reported': (report, event) => [
    {
      category: 'comments',
      important: false,
      recipients: { kind: 'board' },
      subject: { type: report.targetType === 'POST' ? 'Post' : 'Comment', id: report.targetId },
      render: postMessages.contentReported(report, event.occurredAt),
    },
  ],
  'content.moderated': (moderation, event) =>
    toMembers(moderation.recipients, {
      category: 'account',
      important: false,
      subject: { type: moderation.targetType === 'POST' ? 'Post' : 'Comment', id: moderation.targetId },
      render: postMessages.contentModerated(moderation, event.occurredAt),
    }),
  'group.join_requested': (request, event) =>
    toMembers(request.recipients, {
      category: 'comments',
      important: false,
      subject: { type: 'Group', id: request.groupId },
      render: postMessages.joinRequested(request, event.occurredAt),
    }),
  // Only those someone else let in are told: a member who joined an open group did it themselves.
  'group.member_added': (added, event) =>
    added.addedByMemberId === null || added.addedByMemberId === added.memberId
      ? []
      : toMembers([added.memberId], {
          category: 'comments',
          important: false,
          subject: { type: 'Group', id: added.groupId },
          render: postMessages.addedToGroup(added, event.occurredAt),
        }),
  'conduct.published': (conduct, event) => [
    {
      category: 'important',
      important: true,
      recipients: { kind: 'audience', audience: { kind: 'association', id: null } },
      exceptMemberIds: [conduct.publishedByMemberId],
      render: postMessages.conductPublished(conduct, event.occurredAt),
    },
  ],

  // --- reservations ----------------------------------------------------------------------------------------------
  'reservation.confirmed': (booking, event) =>
    toMembers(booking.recipients, {
      category: 'reservations',
      important: false,
      subject: { type: 'Booking', id: booking.bookingId },
      render: reservationMessages.bookingConfirmed(booking, event.occurredAt),
    }),
  // Recipients are empty when the booker cancelled themselves.
  'reservation.cancelled': (booking, event) =>
    toMembers(booking.recipients, {
      category: 'reservations',
      important: false,
      subject: { type: 'Booking', id: booking.bookingId },
      render: reservationMessages.bookingCancelled(booking, event.occurredAt),
    }),
  'reservation.approval_requested': (booking, event) => [
    {
      category: 'reservations',
      important: false,
      recipients: { kind: 'board' },
      subject: { type: 'Booking', id: booking.bookingId },
      render: reservationMessages.bookingAwaitsApproval(booking, event.occurredAt),
    },
  ],
  'reservation.reminder_due': (booking, event) =>
    toMembers(booking.recipients, {
      category: 'reservations',
      important: false,
      subject: { type: 'Booking', id: booking.bookingId },
      render: reservationMessages.bookingReminder(booking, event.occurredAt),
    }),

  // --- operations ------------------------------------------------------------------------------------------------
  // The board, of every report; urgent ones as important (past quiet hours and digests). Nobody else: not the
  // reporter (a board member who reported it included), not the residents (decision 0041, addendum "review fixes A").
  'service_request.reported': (report, event) => [
    {
      category: 'service_requests',
      important: report.urgency === 'urgent',
      recipients: { kind: 'board' },
      exceptMemberIds: [report.reporterMemberId],
      subject: { type: 'ServiceRequest', id: report.requestId },
      render: serviceRequestMessages.reported(report, event.occurredAt),
    },
  ],
  // The reporter sees every status change of their request (decision 0042), and is told of each but their own.
  'service_request.status_changed': (change, event) =>
    toMembers(change.actorMemberId === change.reporterMemberId ? [] : [change.reporterMemberId], {
      category: 'service_requests',
      important: false,
      subject: { type: 'ServiceRequest', id: change.requestId },
      render: serviceRequestMessages.statusChanged(change, event.occurredAt),
    }),
  // The assignee, unless they assigned it to themselves (a board member taking the job).
  'service_request.assigned': (assignment, event) =>
    toMembers(assignment.assignedByMemberId === assignment.assigneeMemberId ? [] : [assignment.assigneeMemberId], {
      category: 'service_requests',
      important: assignment.urgency === 'urgent',
      subject: { type: 'ServiceRequest', id: assignment.requestId },
      render: serviceRequestMessages.assigned(assignment, event.occurredAt),
    }),

  // --- members ---------------------------------------------------------------------------------------------------
  // The invitee is no member yet who could be looked up: the invitation's address is all there is.
  'member.invited': (invited, event) => [
    {
      category: 'account',
      important: false,
      recipients: { kind: 'address', email: invited.email, name: invited.displayName },
      render: memberMessages.invitation(invited, event.occurredAt),
    },
  ],
  // The new address gets the link that confirms it; the old one is warned, without the link.
  'account.email_change_requested': (change, event) => [
    {
      category: 'account',
      important: false,
      recipients: { kind: 'address', email: change.newEmail },
      render: memberMessages.confirmNewEmail(change, event.occurredAt),
    },
    {
      category: 'account',
      important: false,
      recipients: { kind: 'address', email: change.oldEmail },
      render: memberMessages.emailChanging(change, event.occurredAt),
    },
  ],
  // To the login address only, never the inbox: whoever reads a session's inbox must not be able to take the account.
  'account.password_reset_requested': (reset, event) => [
    {
      category: 'account',
      important: false,
      recipients: { kind: 'address', email: reset.email, languageOf: reset.memberId },
      render: memberMessages.passwordReset(reset, event.occurredAt),
    },
  ],
  'member.suspended': (suspension, event) => {
    // The directory leaves suspended members out of every spec but the one telling them of their suspension.
    const recipients: RecipientSpec = { kind: 'members', memberIds: [suspension.memberId], includeSuspended: true };
    return [{ category: 'account', important: false, recipients, render: memberMessages.suspended(suspension, event.occurredAt) }];
  },
  'member.joined': (joined, event) => toMembers([joined.memberId], { category: 'account', important: false, render: memberMessages.welcome(event.occurredAt) }),
  'terms.version_announced': (terms, event) => toBoardAndContact({ important: true, render: billingMessages.termsAnnounced(terms, event.occurredAt) }),
  'association.termination_filed': (filed, event) =>
    toBoardAndContact({ important: true, render: agreementMessages.terminationFiled(filed, event.occurredAt) }),
  'association.termination_withdrawn': (withdrawn, event) =>
    toBoardAndContact({ important: false, render: agreementMessages.terminationWithdrawn(withdrawn, event.occurredAt) }),
  'association.breach_noticed': (breach, event) => toBoardAndContact({ important: true, render: agreementMessages.breachNoticed(breach, event.occurredAt) }),
  'association.blocked': (block, event) => toBoardAndContact({ important: true, render: agreementMessages.blocked(block, event.occurredAt) }),
  'association.unblocked': (_unblocked, event) => toBoardAndContact({ important: false, render: agreementMessages.unblocked(event.occurredAt) }),

  // --- billing ---------------------------------------------------------------------------------------------------
  'feature.enabled': (enabled, event) =>
    toBoardAndContact({
      important: false,
      subject: { type: 'Subscription', id: enabled.subscriptionId },
      render: billingMessages.featureEnabled(enabled, event.occurredAt),
    }),
  'feature.disabled': (disabled, event) =>
    toBoardAndContact({
      important: false,
      subject: { type: 'Subscription', id: disabled.subscriptionId },
      render: billingMessages.featureDisabled(disabled, event.occurredAt),
    }),
  'feature.past_due': (pastDue, event) =>
    toBoardAndContact({
      important: true,
      subject: { type: 'Invoice', id: pastDue.invoiceId },
      render: billingMessages.featurePastDue(pastDue, event.occurredAt),
    }),
  'feature.blocked': (blocked, event) =>
    toBoardAndContact({
      important: true,
      subject: { type: 'Invoice', id: blocked.invoiceId },
      render: billingMessages.featureBlocked(blocked, event.occurredAt),
    }),
  'invoice.issued': (invoice, event) =>
    toBoardAndContact({
      important: false,
      subject: { type: 'Invoice', id: invoice.invoiceId },
      render: billingMessages.invoiceIssued(invoice, event.occurredAt),
    }),
  'invoice.paid': (invoice, event) =>
    toBoardAndContact({
      important: false,
      subject: { type: 'Invoice', id: invoice.invoiceId },
      render: billingMessages.invoicePaid(invoice, event.occurredAt),
    }),
  'feature.withdrawal_announced': (withdrawal, event) =>
    toBoardAndContact({ important: true, render: billingMessages.withdrawalAnnounced(withdrawal, event.occurredAt) }),

  // --- privacy ---------------------------------------------------------------------------------------------------
  // The person and, when a board member asked on their behalf, that board member.
  // The person only: the download link is theirs alone (decision 0037), even when the board asked on their behalf.
  'privacy.export_ready': (ready, event) =>
    toMembers([ready.memberId], {
      category: 'privacy',
      important: false,
      render: privacyMessages.exportReady(ready, event.occurredAt),
    }),
  'privacy.request_extended': (extended, event) =>
    toMembers([extended.memberId], { category: 'privacy', important: false, render: privacyMessages.requestExtended(extended, event.occurredAt) }),
  // Whoever asked; after an erasure the person is no member any more, so the directory reaches nobody for them.
  'privacy.request_completed': (completed, event) =>
    toMembers(completed.requestedBy ? [completed.requestedBy] : [], {
      category: 'privacy',
      important: false,
      render: privacyMessages.requestCompleted(completed, event.occurredAt),
    }),
  // A material change goes to every member directly; another version is only published.
  'privacy.notice_published': (notice, event) =>
    notice.material
      ? [
          {
            category: 'privacy',
            important: true,
            recipients: { kind: 'audience', audience: { kind: 'association', id: null } },
            render: privacyMessages.noticePublished(notice, event.occurredAt),
          },
        ]
      : [],
  // The person, even while restricted (the privacy category always reaches them); their own changes are not announced.
  'privacy.restriction_changed': (changed, event) =>
    toMembers([changed.memberId], { category: 'privacy', important: true, render: privacyMessages.restrictionChanged(changed, event.occurredAt) }),
  'subprocessor.change_announced': (change, event) =>
    toControllerAbout({ important: change.emergency, render: privacyMessages.subprocessorChange(change, event.occurredAt) }),
  'breach.notified': (breach, event) => toControllerAbout({ important: true, render: privacyMessages.breachNotified(breach, event.occurredAt) }),
  // The provider's overdue 24 hours reach the affected association's board too: the event is that association's.
  'breach.clock_overdue': (overdue, event) =>
    toControllerAbout({
      important: true,
      render: (overdue.clock === 'notify_authority' ? privacyMessages.authorityClockOverdue : privacyMessages.associationClockOverdue)(
        overdue,
        event.occurredAt,
      ),
    }),
  'association.export_ready': (ready, event) => toControllerAbout({ important: true, render: privacyMessages.associationExportReady(ready, event.occurredAt) }),

  // --- operations: the maintenance plan (decision 0043) ----------------------------------------------------------
  // The responsible person, or the board when the board itself is; in the operations center's category.
  'maintenance_task.overdue': (overdue, event) => {
    const intent = {
      category: 'service_requests' as const,
      important: false,
      subject: { type: 'MaintenanceTask', id: overdue.taskId },
      render: maintenanceMessages.maintenanceTaskOverdue(overdue, event.occurredAt),
    };
    return overdue.responsibleMemberId ? toMembers([overdue.responsibleMemberId], intent) : [{ ...intent, recipients: { kind: 'board' } }];
  },
  // The board and the assignee, once each, when a request passes a deadline; never the reporter (decision 0043).
  'service_request.overdue': (overdue, event) => {
    const intent = {
      category: 'service_requests' as const,
      important: false,
      subject: { type: 'ServiceRequest', id: overdue.requestId },
      render: deadlineMessages.serviceRequestOverdue(overdue, event.occurredAt),
    };
    return [{ ...intent, recipients: { kind: 'board' } }, ...(overdue.assigneeMemberId ? toMembers([overdue.assigneeMemberId], intent) : [])];
  },
};

/** Every topic the rules turn into notifications: the topics the notifications consumer group subscribes to. */
export const NOTIFICATION_TOPICS = Object.keys(RULES) as TunetTopic[];

/**
 * What the event means for whom: none, one, or (an e-mail change) two intents, each with its own recipients. None
 * for a topic that notifies nobody. Throws `MalformedEvent` for a known topic whose payload it cannot read.
 */
export function intentsFor(event: Event): NotificationIntent[] {
  // Own properties only: a topic such as `constructor` must not reach Object.prototype.
  const topic = event.topic as TunetTopic;
  const rule = Object.hasOwn(RULES, topic) ? (RULES[topic] as (payload: unknown, event: Event) => NotificationIntent[]) : undefined;
  if (!rule) return [];
  const parsed = tunetEvents[topic].schema.safeParse(event.payload);
  if (!parsed.success) throw new MalformedEvent(event.eventId, event.topic, z.prettifyError(parsed.error));
  return rule(parsed.data, event);
}
