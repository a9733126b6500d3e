import { z } from 'zod';
import { topic } from './contract';
import { id, instant } from './fields';

const status = z.enum(['new', 'acknowledged', 'in_progress', 'waiting', 'resolved', 'closed', 'rejected']);

/**
 * Events of the operations subgraph (docs/decisions/0041). Payloads carry only what the reporter may see: never an
 * internal comment, an assignee's notes or a supplier's contact details.
 */
export const operationsTopics = {
  'service_request.reported': topic({
    version: 1,
    producer: 'operations',
    consumers: ['notifications'],
    description:
      'A member reported a fault (a service request), written in the report’s transaction. For the board, never the reporter ' +
      'or other residents: `title` is the reporter’s, no description, no place text (docs/decisions/0041, addendum "review fixes A").',
    schema: z.strictObject({
      requestId: id,
      reporterMemberId: id,
      title: z.string().max(120),
      category: z.enum(['plumbing', 'electrical', 'heating_ventilation', 'common_areas', 'outdoor', 'security_locks', 'other']),
      urgency: z.enum(['normal', 'urgent']),
      locationKind: z.enum(['unit', 'building', 'common_area']),
    }),
  }),
  'service_request.status_changed': topic({
    version: 1,
    producer: 'operations',
    consumers: ['notifications'],
    description:
      'A service request moved from one status to another (the report itself is not a change). `title` is the reporter’s own; ' +
      '`reason` is the rejection reason the reporter sees, null otherwise; `actorMemberId` is null for an operator or a job.',
    schema: z.strictObject({
      requestId: id,
      reporterMemberId: id,
      actorMemberId: id.nullable(),
      from: status,
      to: status,
      title: z.string().max(120),
      reason: z.string().max(1000).nullable(),
      at: instant,
    }),
  }),
  'service_request.assigned': topic({
    version: 1,
    producer: 'operations',
    consumers: ['notifications'],
    description:
      'The board assigned a service request to a member (the caretaker or a board member), who now sees and works on it ' +
      '(docs/decisions/0042). `title` is the reporter’s; nothing internal, no supplier. Not written when the assignee stays the same.',
    schema: z.strictObject({
      requestId: id,
      assigneeMemberId: id,
      assignedByMemberId: id.nullable(),
      title: z.string().max(120),
      urgency: z.enum(['normal', 'urgent']),
    }),
  }),
  'service_request.overdue': topic({
    version: 1,
    producer: 'operations',
    consumers: ['notifications'],
    description:
      'An open service request passed its response deadline (still NEW) or its resolution deadline; written once per request, ' +
      'however many replicas sweep (docs/decisions/0043). For the board and the assignee: `title` is the reporter’s, nothing internal.',
    schema: z.strictObject({
      requestId: id,
      title: z.string().max(120),
      category: z.enum(['plumbing', 'electrical', 'heating_ventilation', 'common_areas', 'outdoor', 'security_locks', 'other']),
      urgency: z.enum(['normal', 'urgent']),
      missed: z.enum(['response', 'resolution']),
      dueAt: instant,
      assigneeMemberId: id.nullable(),
    }),
  }),
  'maintenance_task.overdue': topic({
    version: 1,
    producer: 'operations',
    consumers: ['notifications'],
    description:
      'A round of a maintenance task passed its due time without being completed; written once per round, however many ' +
      'replicas sweep (docs/decisions/0043). `responsibleMemberId` is null when the board itself is responsible.',
    schema: z.strictObject({
      taskId: id,
      occurrenceId: id,
      title: z.string().max(120),
      responsibleMemberId: id.nullable(),
      dueAt: instant,
    }),
  }),
};
