import type { RequestContext } from '@tunet/kit';
import type { AccessLogService } from './access-log/access-log.service';
import type { ArchivesService } from './archives/archives.service';
import type { ClosureLinksService } from './archives/closure-links.service';
import type { BreachesService } from './breaches/breaches.service';
import type { RequestsService } from './requests/requests.service';
import type { ConsentsService } from './consents/consents.service';
import type { NoticesService } from './notices/notices.service';
import type { PurposesService } from './purposes/purposes.service';
import type { RestrictionsService } from './restrictions/restrictions.service';
import type { SettingsService } from './settings/settings.service';
import type { RecordsService } from './records/records.service';
import type { StatisticsService } from './statistics/statistics.service';
import type { SubprocessorsService } from './subprocessors/subprocessors.service';

/**
 * What every privacy resolver receives: the request (viewer, request id, entitlements), plus each domain's
 * service, added by the domains as they are wired in subgraph.ts.
 */
export interface PrivacyContext extends RequestContext {
  settings: SettingsService;
  purposes: PurposesService;
  consents: ConsentsService;
  restrictions: RestrictionsService;
  notices: NoticesService;
  requests: RequestsService;
  /** The clock of deadlines (tests move it). */
  now: () => Date;
  accessLog: AccessLogService;
  subprocessors: SubprocessorsService;
  records: RecordsService;
  breaches: BreachesService;
  archives: ArchivesService;
  closureLinks: ClosureLinksService;
  statistics: StatisticsService;
}

/** An association as privacy knows it: only its id (members owns the rest). */
export interface AssociationRef {
  id: string;
}
