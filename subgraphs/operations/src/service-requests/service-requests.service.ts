import { forbidden, isUuid, notFound, requireFeature, unauthenticated, type RequestContext, type Viewer } from '@tunet/kit';
import { OPERATIONS_FEATURE } from '../feature';
import { canSeeRequest, canSeeRequestDetails, type AssignmentFacts } from './service-requests.access';
import type { ServiceRequestRow, ServiceRequestsRepository, StatusChangeRow } from './service-requests.repository';

/** Whom a request is assigned to; assignment (decision 0041) provides it, nobody until then. */
export type AssigneeOf = (row: ServiceRequestRow) => Promise<AssignmentFacts>;
const NOBODY: AssigneeOf = () => Promise.resolve({ assigneeMemberId: null });

/** Service requests (feilmeldinger): reading them, for the viewer's association only and only with the add-on. */
export class ServiceRequestsService {
  constructor(
    private readonly repository: ServiceRequestsRepository,
    private readonly assigneeOf: AssigneeOf = NOBODY,
  ) {}

  /**
   * One request the viewer may see; NOT_FOUND for one they may not (another association's id included), so its
   * existence is not given away. The add-on is checked before anything is read.
   */
  async get(request: RequestContext, id: string): Promise<ServiceRequestRow> {
    const associationId = admittedAssociation(request);
    if (!isUuid(id)) throw notFound('Service request');
    const row = await this.repository.find(associationId, id);
    if (!row || !canSeeRequest(request.viewer, { ...row, ...(await this.assigneeOf(row)) })) throw notFound('Service request');
    return row;
  }

  /** The history, for those who see the details; empty for a resident who sees the request as already reported. */
  async history(viewer: Viewer | null, row: ServiceRequestRow): Promise<StatusChangeRow[]> {
    if (!canSeeRequestDetails(viewer, { ...row, ...(await this.assigneeOf(row)) })) return [];
    return this.repository.history(row.associationId, row.id);
  }

  /** Whether the viewer sees who reported it and what they wrote. */
  async seesDetails(viewer: Viewer | null, row: ServiceRequestRow): Promise<boolean> {
    return canSeeRequestDetails(viewer, { ...row, ...(await this.assigneeOf(row)) });
  }
}

/**
 * The association the request acts in, once it may use the operations center: UNAUTHENTICATED for nobody, FORBIDDEN
 * for a viewer in no association (an operator outside a support session), then FEATURE_NOT_SUBSCRIBED unless the
 * entitlements the gateway signed name the add-on, so a signed request that skips the gateway's check reads nothing.
 */
export function admittedAssociation(request: RequestContext): string {
  const viewer = request.viewer;
  if (!viewer) throw unauthenticated();
  if (!viewer.associationId) throw forbidden('The operations center is used inside an association.');
  requireFeature(request, viewer.associationId, OPERATIONS_FEATURE);
  return viewer.associationId;
}
