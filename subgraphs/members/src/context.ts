import type { RequestContext, Viewer } from '@tunet/kit';
import type { AuthService } from './auth/auth.service';
import type { MembersLoaders } from './members/members.loaders';
import type { MembersService } from './members/members.service';

/** What every members resolver receives: who is asking, per-request loaders, and the services. */
export interface MembersContext {
  requestId: string;
  clientIp: string;
  viewer: Viewer | null;
  loaders: MembersLoaders;
  auth: AuthService;
  members: MembersService;
}

export type { RequestContext };
