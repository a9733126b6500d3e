import { randomUUID } from 'node:crypto';
import type { MemberViewer, Viewer } from '@tunet/kit';
import type { PostsContext } from './context';
import type { PostsSubgraph } from './subgraph';

/** A member of the association with a fresh id, as the gateway would describe them. */
export function viewerIn(associationId: string, role: MemberViewer['role'] = 'resident'): MemberViewer {
  return { accountId: randomUUID(), associationId, memberId: randomUUID(), role, platformAdmin: false, sessionId: null };
}

/** A request context as the kit builds it, so loaders and services are wired exactly as in production. */
export function contextOf(subgraph: PostsSubgraph, viewer: Viewer | null): PostsContext {
  return subgraph.definition.createContext({ viewer, requestId: 'test', clientIp: '127.0.0.1' });
}
