import { processRoute, type InternalRoute } from '@tunet/kit';
import { z } from 'zod';
import type { GroupMembersRepository } from './group-members.repository';

/** The route the notifications subgraph's directory calls (notifications/src/directory/members-directory.ts). */
export const GROUP_MEMBERS_ROUTE = 'notifications/group-members';

const requestSchema = z.object({ associationId: z.guid(), groupId: z.guid() });

/**
 * A group's members for the notifications subgraph, within the association the body names (decision 0015): another
 * association's group, like an unknown one, has none.
 */
export function notificationsInternalRoutes(repository: GroupMembersRepository): Record<string, InternalRoute> {
  return {
    [GROUP_MEMBERS_ROUTE]: processRoute(requestSchema, ({ associationId, groupId }) => repository.membersOf(associationId, groupId)),
  };
}
