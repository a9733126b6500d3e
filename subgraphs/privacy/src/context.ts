import type { RequestContext } from '@tunet/kit';
import type { AccessLogService } from './access-log/access-log.service';
import type { SettingsService } from './settings/settings.service';

/**
 * What every privacy resolver receives: the request (viewer, request id, entitlements), plus each domain's
 * service, added by the domains as they are wired in subgraph.ts.
 */
export interface PrivacyContext extends RequestContext {
  settings: SettingsService;
  accessLog: AccessLogService;
}

/** An association as privacy knows it: only its id (members owns the rest). */
export interface AssociationRef {
  id: string;
}
