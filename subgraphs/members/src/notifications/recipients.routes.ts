import { processRoute, type InternalRoute } from '@tunet/kit';
import { z } from 'zod';
import type { RecipientsRepository } from './recipients.repository';

/** The route the notifications subgraph's directory calls (notifications/src/directory/members-directory.ts). */
export const RECIPIENTS_ROUTE = 'notifications/recipients';

// A group of a whole association's size fits, with room; the gateway-signed body is at most 64 kB anyway.
const MAX_MEMBER_IDS = 5_000;

const specSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('members'),
    memberIds: z.array(z.guid()).max(MAX_MEMBER_IDS),
    includeBoard: z.boolean().optional(),
    includeSuspended: z.boolean().optional(),
  }),
  z.object({ kind: z.literal('board') }),
  z.object({
    kind: z.literal('audience'),
    audience: z.union([
      z.object({ kind: z.enum(['association', 'board']), id: z.null().optional() }),
      z.object({ kind: z.enum(['building', 'committee']), id: z.guid() }),
    ]),
  }),
]);

const requestSchema = z.object({ associationId: z.guid(), spec: specSchema });

/**
 * Who the notifications subgraph should tell, answered within the association the body names (decision 0015):
 * its name and language, and the current, active members the spec reaches with their names and addresses.
 */
export function notificationsInternalRoutes(repository: RecipientsRepository): Record<string, InternalRoute> {
  return {
    [RECIPIENTS_ROUTE]: processRoute(requestSchema, ({ associationId, spec }) => repository.recipients(associationId, spec)),
  };
}
