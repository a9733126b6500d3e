import type { RequestContext } from '@tunet/kit';
import type { AssignmentsService } from './assignments/assignments.service';
import type { BookingLinksService } from './booking-links/booking-links.service';
import type { CommentsService } from './comments/comments.service';
import type { DeadlinesService } from './deadlines/deadlines.service';
import type { MaintenanceService } from './maintenance/maintenance.service';
import type { PhotosService } from './photos/photos.service';
import type { RatingsService } from './ratings/ratings.service';
import type { ReportingService } from './reporting/reporting.service';
import type { ServiceRequestsService } from './service-requests/service-requests.service';

/**
 * What every operations resolver receives: the request (viewer, request id, entitlements), plus each domain's
 * service, added by the domains as they are wired in subgraph.ts.
 */
export interface OperationsContext extends RequestContext {
  serviceRequests: ServiceRequestsService;
  maintenance: MaintenanceService;
  deadlines: DeadlinesService;
  photos: PhotosService;
  assignments: AssignmentsService;
  comments: CommentsService;
  ratings: RatingsService;
  reporting: ReportingService;
  bookingLinks: BookingLinksService;
}
