import type { GraphQLError } from 'graphql';
import { z } from 'zod';
import { errorReasons } from './error-reasons';
import { fail } from './errors';

/** An association whose access is closed: blocked by the provider after a breach, or terminated (decision 0034). */
export const associationClosedStatusSchema = z.enum(['blocked', 'terminated']);
export type AssociationClosedStatus = z.infer<typeof associationClosedStatusSchema>;

const REASONS = { blocked: 'ASSOCIATION_BLOCKED', terminated: 'ASSOCIATION_TERMINATED' } as const;
export type AssociationClosedReason = (typeof REASONS)[AssociationClosedStatus];

export function associationClosedReason(status: AssociationClosedStatus): AssociationClosedReason {
  return REASONS[status];
}

/**
 * FORBIDDEN with `extensions.reason` ASSOCIATION_TERMINATED or ASSOCIATION_BLOCKED: what login, refresh, API keys and
 * tokens issued before the closing get, from members and from the gateway alike. `extra` lets the gateway add its
 * HTTP status.
 */
export function associationClosed(status: AssociationClosedStatus, extra: Record<string, unknown> = {}): GraphQLError {
  return fail('FORBIDDEN', errorReasons[REASONS[status]].en(), { reason: REASONS[status], ...extra });
}
