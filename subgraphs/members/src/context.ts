import type { RequestContext } from '@tunet/kit';
import type { AgreementsService } from './agreements/agreements.service';
import type { ApiKeysService } from './api-keys/api-keys.service';
import type { AssociationsService } from './associations/associations.service';
import type { AuthService } from './auth/auth.service';
import type { CommitteesLoaders } from './committees/committees.loaders';
import type { CommitteesService } from './committees/committees.service';
import type { HousingLoaders } from './housing/housing.loaders';
import type { HousingService } from './housing/housing.service';
import type { ImportsService } from './imports/imports.service';
import type { InvitationsService } from './invitations/invitations.service';
import type { ReadRecorder } from './members/access-log';
import type { MembersLoaders } from './members/members.loaders';
import type { MembersService } from './members/members.service';
import type { PortraitsService } from './members/portraits.service';
import type { PrivacyStatesLookup } from './members/privacy-states.loaders';
import type { SupportService } from './support/support.service';
import type { TermsService } from './terms/terms.service';

export type Loaders = MembersLoaders & HousingLoaders & CommitteesLoaders;

/** What every members resolver receives: the request (viewer, request id, client address), loaders and services. */
export interface MembersContext extends RequestContext {
  loaders: Loaders;
  /** Records a privileged read of a profile field in the access log. */
  recordRead: ReadRecorder;
  /** The privacy subgraph's consents and restrictions of an association, read once per request. */
  privacyStates: PrivacyStatesLookup;
  auth: AuthService;
  members: MembersService;
  housing: HousingService;
  committees: CommitteesService;
  invitations: InvitationsService;
  imports: ImportsService;
  apiKeys: ApiKeysService;
  support: SupportService;
  agreements: AgreementsService;
  associations: AssociationsService;
  terms: TermsService;
  portraits: PortraitsService;
}
