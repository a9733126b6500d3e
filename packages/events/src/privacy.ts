import { z } from 'zod';
import { topic } from './contract';
import { date, id, instant } from './fields';

const requestKind = z.enum(['export', 'erasure', 'restriction', 'rectification', 'objection']);
const dataCategory = z.string().min(1).max(64);

/** Events of the privacy subgraph: data-subject requests, privacy notices, the processor registers. */
export const privacyTopics = {
  'privacy.export_ready': topic({
    version: 1,
    producer: 'privacy',
    consumers: ['notifications'],
    description: "A person's export archive is built; the person (and the board member who asked for it) may download it until `expiresAt`.",
    schema: z.strictObject({ requestId: id, memberId: id, requestedBy: id.nullable(), expiresAt: instant }),
  }),
  'privacy.request_extended': topic({
    version: 1,
    producer: 'privacy',
    consumers: ['notifications'],
    description: 'The deadline of a data-subject request was extended (by at most two months in all); the person is told why.',
    schema: z.strictObject({ requestId: id, memberId: id, kind: requestKind, deadline: date, reason: z.string().min(1).max(2000) }),
  }),
  'privacy.request_completed': topic({
    version: 1,
    producer: 'privacy',
    consumers: ['notifications'],
    description:
      'A data-subject request is done in every subgraph. `requestedBy` (the person or the board member who asked) is told; after an erasure the person no longer exists to be told.',
    schema: z.strictObject({ requestId: id, memberId: id, requestedBy: id.nullable(), kind: requestKind }),
  }),
  'privacy.notice_published': topic({
    version: 1,
    producer: 'privacy',
    consumers: ['notifications'],
    description: "A new version of the association's privacy notice; a material change is sent to every member directly.",
    schema: z.strictObject({ noticeId: id, version: z.number().int().positive(), material: z.boolean(), lastChangedOn: date }),
  }),
  'privacy.restriction_changed': topic({
    version: 1,
    producer: 'privacy',
    consumers: ['notifications'],
    description:
      "The board (or an operator in a support session) set or lifted a restriction of the person's processing (GDPR art. 18); the person is told, with the reason. A person's own changes are not announced.",
    schema: z.strictObject({
      memberId: id,
      action: z.enum(['set', 'lifted']),
      actor: z.enum(['board', 'operator']),
      reason: z.string().min(1).max(1000),
    }),
  }),
  'subprocessor.change_announced': topic({
    version: 1,
    producer: 'privacy',
    consumers: ['notifications'],
    description:
      'The provider will add, change or remove a sub-processor on `effectiveOn` (at least 14 days ahead unless an emergency); the association may object until `objectionDeadline`.',
    schema: z.strictObject({
      changeId: id,
      subprocessor: z.string().min(1).max(200),
      change: z.enum(['added', 'changed', 'removed']),
      effectiveOn: date,
      objectionDeadline: date,
      emergency: z.boolean(),
      reason: z.string().max(2000).nullable(),
    }),
  }),
  'breach.notified': topic({
    version: 1,
    producer: 'privacy',
    consumers: ['notifications'],
    description:
      "The provider tells an affected association of a personal-data breach; the association's 72-hour clock towards Datatilsynet runs from `notifiedAt`.",
    schema: z.strictObject({
      breachId: id,
      suspectedAt: instant,
      notifiedAt: instant,
      authorityDeadline: instant,
      dataCategories: z.array(dataCategory).max(50),
      description: z.string().min(1).max(4000),
    }),
  }),
  'breach.clock_overdue': topic({
    version: 1,
    producer: 'privacy',
    consumers: ['notifications'],
    description:
      "A breach clock ran out with its duty undone: the provider's 24 hours to tell the association, or the association's 72 hours to tell Datatilsynet.",
    schema: z.strictObject({ breachId: id, clock: z.enum(['notify_association', 'notify_authority']), dueAt: instant }),
  }),
  'association.export_ready': topic({
    version: 1,
    producer: 'privacy',
    consumers: ['notifications'],
    description: "The full export of a terminated association's content is ready, downloadable through a protected link until `expiresAt`.",
    schema: z.strictObject({ exportId: id, expiresAt: instant }),
  }),
};
