import { z } from 'zod';
import { topic } from './contract';
import { id, instant, memberIds } from './fields';

const bookingSummary = z.strictObject({ bookingId: id, resourceId: id, resourceName: z.string(), start: instant, end: instant });

/** Events of the reservations subgraph. */
export const reservationTopics = {
  'reservation.confirmed': topic({
    version: 1,
    producer: 'reservations',
    consumers: ['notifications'],
    description: 'A booking was confirmed, at once or by the board; `recipients` is the booker.',
    schema: bookingSummary.extend({ bookerMemberId: id, recipients: memberIds }),
  }),
  'reservation.cancelled': topic({
    version: 1,
    producer: 'reservations',
    consumers: ['notifications'],
    description: 'A booking was cancelled or rejected; `recipients` is the booker unless they cancelled it themselves.',
    schema: bookingSummary.extend({
      bookerMemberId: id,
      recipients: memberIds,
      reason: z.string().nullable(),
      byBoard: z.boolean(),
      rejected: z.boolean(),
    }),
  }),
  'reservation.approval_requested': topic({
    version: 1,
    producer: 'reservations',
    consumers: ['notifications'],
    description: 'A booking awaits the board’s approval.',
    schema: bookingSummary.extend({ bookerMemberId: id, recipientRole: z.literal('board') }),
  }),
  'reservation.reminder_due': topic({
    version: 1,
    producer: 'reservations',
    consumers: ['notifications'],
    description: 'A booking starts within 24 hours; `recipients` is the booker.',
    schema: bookingSummary.extend({ recipients: memberIds }),
  }),
};
