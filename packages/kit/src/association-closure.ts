import type { GraphQLError } from 'graphql';
import { z } from 'zod';
import { fail } from './errors';

/** An association whose access is closed: blocked by the provider after a breach, or terminated (decision 0034). */
export const associationClosedStatusSchema = z.enum(['blocked', 'terminated']);
export type AssociationClosedStatus = z.infer<typeof associationClosedStatusSchema>;

const REASONS = { blocked: 'ASSOCIATION_BLOCKED', terminated: 'ASSOCIATION_TERMINATED' } as const;
export type AssociationClosedReason = (typeof REASONS)[AssociationClosedStatus];

const MESSAGES: Record<AssociationClosedStatus, string> = {
  terminated:
    "This association's agreement with Tunet has ended, so its access is closed: logins, sessions and API keys are refused. " +
    'The board can ask the provider for a copy of its data.',
  blocked:
    "The provider has blocked this association's access to Tunet for a breach of the terms of service; the board has been told why in writing. " +
    'Logins, sessions and API keys are refused until it is reopened.',
};

export function associationClosedReason(status: AssociationClosedStatus): AssociationClosedReason {
  return REASONS[status];
}

/**
 * FORBIDDEN with `extensions.reason` ASSOCIATION_TERMINATED or ASSOCIATION_BLOCKED: what login, refresh, API keys and
 * tokens issued before the closing get, from members and from the gateway alike. `extra` lets the gateway add its
 * HTTP status.
 */
export function associationClosed(status: AssociationClosedStatus, extra: Record<string, unknown> = {}): GraphQLError {
  return fail('FORBIDDEN', MESSAGES[status], { reason: REASONS[status], ...extra });
}
