import { badUserInput, forbidden, operatesIn, type RequestContext, type Viewer } from '@tunet/kit';
import { admittedAssociation } from '../service-requests/service-requests.service';
import type { ServiceRequestCategory, ServiceRequestUrgency } from '../tables';
import type { DeadlinesRepository } from './deadlines.repository';
import { CATEGORIES, hoursFor, hoursRefusal, URGENCIES, type DeadlineHours } from './deadlines.rules';

/** One category and urgency's hours as the board sees them. */
export interface Deadline extends DeadlineHours {
  category: ServiceRequestCategory;
  urgency: ServiceRequestUrgency;
  isDefault: boolean;
}

const isBoard = (viewer: Viewer | null, associationId: string) =>
  viewer?.associationId === associationId && viewer.memberId !== null && viewer.role === 'board' && !viewer.integration;

/**
 * Response and resolution deadlines (decision 0043): the board reads and sets the hours per category and urgency
 * (an operator in a support session reads them); the sweep stamps each request with its deadlines.
 */
export class DeadlinesService {
  private readonly now: () => Date;

  constructor(
    private readonly repository: DeadlinesRepository,
    now?: () => Date,
  ) {
    this.now = now ?? (() => new Date());
  }

  /** Every category × urgency, with the board's hours where it set them and the defaults otherwise. */
  async list(request: RequestContext): Promise<Deadline[]> {
    const associationId = admittedAssociation(request);
    if (!isBoard(request.viewer, associationId) && !operatesIn(request.viewer, associationId)) throw forbidden('Only the board sets deadlines.');
    const settings = await this.repository.settings(associationId);
    return CATEGORIES.flatMap((category) => URGENCIES.map((urgency) => ({ category, urgency, ...hoursFor(category, urgency, settings) })));
  }

  /** Sets the hours for requests reported from now on; requests already reported keep their deadlines. */
  async set(request: RequestContext, input: { category: ServiceRequestCategory; urgency: ServiceRequestUrgency } & DeadlineHours): Promise<Deadline> {
    const associationId = admittedAssociation(request);
    if (!isBoard(request.viewer, associationId)) throw forbidden('Only the board sets deadlines.');
    const hours = { responseHours: input.responseHours, resolutionHours: input.resolutionHours };
    const refusal = hoursRefusal(hours);
    if (refusal) throw badUserInput(refusal.field, refusal.reason);
    const row = await this.repository.set(associationId, { category: input.category, urgency: input.urgency }, hours, request.viewer!.memberId!, this.now());
    return { category: row.category, urgency: row.urgency, responseHours: row.responseHours, resolutionHours: row.resolutionHours, isDefault: false };
  }

  /** The service's clock: what `overdue` is measured against. */
  clock(): Date {
    return this.now();
  }
}
