import { z } from 'zod';
import { topic } from './contract';
import { date, id, instant } from './fields';

/** Events of the members subgraph. */
export const memberTopics = {
  'member.invited': topic({
    version: 1,
    producer: 'members',
    consumers: ['notifications'],
    description: 'The board invited someone by e-mail; the invitee gets a one-time link.',
    secrets: ['token'],
    schema: z.strictObject({ invitationId: id, memberId: id, email: z.email(), displayName: z.string(), token: z.string().min(1), expiresAt: instant }),
  }),
  'member.joined': topic({
    version: 1,
    producer: 'members',
    consumers: ['notifications'],
    description: 'An invitee accepted and has an account.',
    schema: z.strictObject({ memberId: id, invitationId: id }),
  }),
  'member.moved_out': topic({
    version: 1,
    producer: 'members',
    consumers: ['posts', 'reservations'],
    description:
      "A member leaves: the tenure ends after `moveOut` (in the association's time zone) and no other tenure of theirs runs on past it. Sent when a move-out day is set (also on a new tenure, and by an import) and again, with the new day, whenever it moves earlier or later; not when it is cleared. Consumers act on each as it comes: what an earlier day made them do (bookings cancelled, calendar feeds ended) is not undone by a later one.",
    schema: z.strictObject({
      memberId: id,
      unitId: id,
      tenureId: id,
      moveOut: date,
      /** The association's IANA time zone, in which `moveOut` is a day; older events lack it (read them as Europe/Oslo). */
      timeZone: z.string().min(1).optional(),
    }),
  }),
  'member.suspended': topic({
    version: 1,
    producer: 'members',
    consumers: ['notifications', 'posts', 'reservations'],
    description: 'The board (or moderation) suspended a member until a day, or until reinstated.',
    schema: z.strictObject({ memberId: id, reason: z.string().min(1), until: date.nullable() }),
  }),
  'board.term_ended': topic({
    version: 1,
    producer: 'members',
    consumers: [],
    description: "A board member's term ended on its last day.",
    schema: z.strictObject({ termId: id, memberId: id, termTo: date }),
  }),
  'account.email_change_requested': topic({
    version: 1,
    producer: 'members',
    consumers: ['notifications'],
    description: 'A person asked to change their e-mail address; the new address gets a one-time confirmation link.',
    secrets: ['token'],
    schema: z.strictObject({ changeId: id, accountId: id, oldEmail: z.email(), newEmail: z.email(), token: z.string().min(1), expiresAt: instant }),
  }),
  'account.password_reset_requested': topic({
    version: 1,
    producer: 'members',
    consumers: ['notifications'],
    description:
      'Someone asked to reset the password of an account by its e-mail address; the address gets a one-time link, in the language `memberId` (the membership a login would pick) chose. Nothing is announced for an address without an account.',
    secrets: ['token'],
    schema: z.strictObject({ resetId: id, accountId: id, memberId: id, email: z.email(), token: z.string().min(1), expiresAt: instant }),
  }),
  'association.terminated': topic({
    version: 1,
    producer: 'members',
    consumers: ['notifications', 'billing', 'privacy'],
    description:
      "The association's agreement ended on `terminatedOn`: from now on its logins, refresh tokens and API keys are refused and nothing is sent to its people. What happens to its data (export, deletion) is decided by those who consume this.",
    schema: z.strictObject({
      terminationId: id,
      terminatedOn: date,
      /** Who ended it: the association's board, the provider with notice, or the provider after a breach of the terms. */
      initiatedBy: z.enum(['board', 'provider', 'breach']),
      /** The association's IANA time zone, in which `terminatedOn` is a day. */
      timeZone: z.string().min(1),
    }),
  }),
  'association.termination_filed': topic({
    version: 1,
    producer: 'members',
    consumers: ['notifications'],
    description:
      "The agreement was ended in writing with an end date: by the association's board (any day, no binding) or by the provider (at least 3 months' notice). The board and the association's contact e-mail are told. Access closes on `effectiveOn` (then `association.terminated`) unless it is withdrawn first. An end after a breach comes with `association.blocked` instead.",
    schema: z.strictObject({
      terminationId: id,
      initiatedBy: z.enum(['board', 'provider']),
      /** The first day without access, in the association's time zone. */
      effectiveOn: date,
      reason: z.string().nullable(),
      timeZone: z.string().min(1),
    }),
  }),
  'association.termination_withdrawn': topic({
    version: 1,
    producer: 'members',
    consumers: ['notifications'],
    description: 'A termination the board or the provider had filed was withdrawn before it took effect: the agreement goes on.',
    schema: z.strictObject({ terminationId: id, initiatedBy: z.enum(['board', 'provider']), effectiveOn: date, timeZone: z.string().min(1) }),
  }),
  'association.breach_noticed': topic({
    version: 1,
    producer: 'members',
    consumers: ['notifications'],
    description:
      "The provider told the association in writing that it acts against the terms (§8.3): unless it is remedied by `remedyBy` (5 working days later), access may be blocked and the agreement ended with 7 days' notice. The board and the association's contact e-mail are told.",
    schema: z.strictObject({ breachNoticeId: id, description: z.string().min(1), remedyBy: date, timeZone: z.string().min(1) }),
  }),
  'association.blocked': topic({
    version: 1,
    producer: 'members',
    consumers: ['notifications'],
    description:
      "The provider blocked the association's access at once for a breach of the terms (§8) and ended the agreement with 7 days' written notice, on `effectiveOn`. Logins, refresh tokens and API keys are refused from now on; the board and the association's contact e-mail are told why.",
    schema: z.strictObject({
      ground: z.enum(['illegal_use', 'invalid_legal_details', 'unremedied_breach']),
      reason: z.string().min(1),
      blockedAt: instant,
      terminationId: id,
      effectiveOn: date,
      timeZone: z.string().min(1),
    }),
  }),
  'association.unblocked': topic({
    version: 1,
    producer: 'members',
    consumers: ['notifications'],
    description: 'The provider reopened a blocked association: access works again and the termination filed with the block is withdrawn.',
    schema: z.strictObject({ unblockedAt: instant }),
  }),
  'terms.version_announced': topic({
    version: 1,
    producer: 'members',
    consumers: ['notifications'],
    description:
      'A new version of the terms of service was published; the board must accept it before `effectiveOn` (at least one month after the announcement). One event per association that must accept it.',
    schema: z.strictObject({ version: z.string().min(1).max(40), effectiveOn: date, summaryUrl: z.url().nullable() }),
  }),
  'personal_data.accessed': topic({
    version: 1,
    producer: 'members',
    consumers: ['privacy'],
    description:
      "Someone other than the person read their personal data only because of a role (the board, an integration's key, an operator in a support session): one entry per person read, batched per request, for the privacy subgraph's tamper-evident access log.",
    schema: z.strictObject({
      entries: z
        .array(
          z.strictObject({
            subjectId: id,
            actorId: id.nullable(),
            actorKind: z.enum(['member', 'api_key', 'operator']),
            fields: z.array(z.string().min(1).max(64)).min(1).max(64),
            operation: z.string().min(1).max(200),
            reason: z.string().max(2000).nullable(),
            at: instant,
          }),
        )
        .min(1)
        .max(1000),
    }),
  }),
  'personal_data.changed': topic({
    version: 1,
    producer: 'members',
    consumers: ['privacy'],
    description: "A person's personal data was changed (by themself, the board, an import or an operator): which fields, by whom, when.",
    schema: z.strictObject({
      subjectId: id,
      actorId: id.nullable(),
      actorKind: z.enum(['member', 'api_key', 'operator', 'system']),
      fields: z.array(z.string().min(1).max(64)).min(1).max(64),
      operation: z.string().min(1).max(200),
      at: instant,
    }),
  }),
};
