import { randomUUID } from 'node:crypto';
import type { MemberViewer, Viewer, ViewerScope } from '@tunet/kit';
import type { PostsContext } from './context';
import type { PostsSubgraph } from './subgraph';

/**
 * A member of the association with a fresh id, as the gateway would describe them; `scope` says where they live
 * and serve (default: one unit of their own in one building, no committee).
 */
export function viewerIn(
  associationId: string,
  role: MemberViewer['role'] = 'resident',
  scope: Partial<ViewerScope> = {},
): MemberViewer {
  return {
    accountId: randomUUID(),
    associationId,
    memberId: randomUUID(),
    role,
    platformAdmin: false,
    sessionId: null,
    scope: { unitIds: [randomUUID()], buildingIds: [randomUUID()], committeeIds: [], ...scope },
  };
}

/** A request context as the kit builds it, so loaders and services are wired exactly as in production. */
export function contextOf(subgraph: PostsSubgraph, viewer: Viewer | null): PostsContext {
  return subgraph.definition.createContext({
    viewer,
    requestId: 'test',
    clientIp: '127.0.0.1',
    publicOrigin: 'https://tunet.test',
  });
}
