import type { RequestContext } from '@tunet/kit';
import type { AuthService } from './auth/auth.service';
import type { MembersLoaders } from './members/members.loaders';
import type { MembersService } from './members/members.service';

/** What every members resolver receives: the request (viewer, request id, client address), loaders and services. */
export interface MembersContext extends RequestContext {
  loaders: MembersLoaders;
  auth: AuthService;
  members: MembersService;
}
