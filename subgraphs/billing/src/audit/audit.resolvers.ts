import type { Resolvers } from '../__generated__/resolvers-types';

/** The stored JSON of a record before or after a change, as the text the schema promises. */
const asText = (value: Record<string, unknown> | null) => (value === null ? null : JSON.stringify(value));

export const auditResolvers: Resolvers = {
  BillingAuditEntry: {
    before: (entry) => asText(entry.before),
    after: (entry) => asText(entry.after),
  },
};
