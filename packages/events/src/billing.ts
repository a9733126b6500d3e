import { z } from 'zod';
import { topic } from './contract';
import { date, id, instant } from './fields';

/** A feature's key in the billing catalogue (`operationsCenter`, `sms`, `extraStorage`). */
const feature = z.string().min(1).max(64);

/** Events of the billing subgraph: every change to what an association has subscribed to and paid. */
export const billingTopics = {
  'feature.enabled': topic({
    version: 1,
    producer: 'billing',
    consumers: ['notifications'],
    description: 'An add-on works for the association from now on: a subscription or trial started, or a blocked one was paid and reopened.',
    schema: z.strictObject({ feature, subscriptionId: id, status: z.enum(['trial', 'active']), trialEndsOn: date.nullable() }),
  }),
  'feature.disabled': topic({
    version: 1,
    producer: 'billing',
    consumers: ['notifications'],
    description: 'An add-on stopped for the association: cancelled at the end of its paid period, ended by an operator, or withdrawn.',
    schema: z.strictObject({ feature, subscriptionId: id, reason: z.enum(['cancelled', 'ended_by_operator', 'trial_ended', 'withdrawn']) }),
  }),
  'feature.past_due': topic({
    version: 1,
    producer: 'billing',
    consumers: ['notifications'],
    description: "An add-on's invoice was not paid by its due date; it keeps working until `blocksOn` unless paid.",
    schema: z.strictObject({ feature, subscriptionId: id, invoiceId: id, dueOn: date, blocksOn: date }),
  }),
  'feature.blocked': topic({
    version: 1,
    producer: 'billing',
    consumers: ['notifications'],
    description: 'An add-on stopped working because its invoice is still unpaid; paying it reopens the add-on at once, with all its data intact.',
    schema: z.strictObject({ feature, subscriptionId: id, invoiceId: id }),
  }),
  'invoice.issued': topic({
    version: 1,
    producer: 'billing',
    consumers: ['notifications'],
    description: 'An invoice for one period of an add-on was issued to the association.',
    schema: z.strictObject({
      invoiceId: id,
      feature,
      amountOre: z.number().int().nonnegative(),
      issuedOn: date,
      dueOn: date,
      periodStart: date,
      periodEnd: date,
    }),
  }),
  'invoice.paid': topic({
    version: 1,
    producer: 'billing',
    consumers: ['notifications'],
    description: 'A platform operator recorded an invoice as paid.',
    schema: z.strictObject({ invoiceId: id, feature, amountOre: z.number().int().nonnegative(), paidAt: instant }),
  }),
  'feature.withdrawal_announced': topic({
    version: 1,
    producer: 'billing',
    consumers: ['notifications'],
    description: 'The provider will withdraw an add-on the association subscribes to; it stops on `endsOn`, at least three months after the announcement.',
    schema: z.strictObject({ feature, withdrawalId: id, endsOn: date, announcedAt: instant }),
  }),
};
