import { conflict, forbidden, type RequestContext, type Viewer } from '@tunet/kit';
import type { ServiceRequestRow } from '../service-requests/service-requests.repository';
import type { ServiceRequestsService } from '../service-requests/service-requests.service';
import type { RequestFieldLoaders } from '../request-fields.loaders';
import type { RatingRow, RatingsRepository } from './ratings.repository';
import { canRate, checkRating, isRateable } from './ratings.rules';

/** The reporter rates the work once it is resolved, once (decision 0042). */
export class RatingsService {
  constructor(
    private readonly repository: RatingsRepository,
    private readonly serviceRequests: ServiceRequestsService,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async rate(request: RequestContext, input: { requestId: string; score: number; comment?: string | null }): Promise<RatingRow> {
    const row = await this.serviceRequests.get(request, input.requestId);
    if (!canRate(request.viewer, row)) throw forbidden('Only the person who reported the fault rates the work.');
    const rating = checkRating(input);
    if (!isRateable(row.status)) throw conflict('The work is rated once the request is resolved.');
    const stored = await this.repository.rate(row.associationId, {
      requestId: row.id,
      raterMemberId: request.viewer!.memberId!,
      score: rating.score,
      comment: rating.comment,
      createdAt: this.now(),
    });
    if (stored) return stored;
    // Rated already, or reopened in the meantime.
    throw conflict(
      (await this.repository.find(row.associationId, row.id))
        ? 'The request is rated already; a rating is given once.'
        : 'The work is rated once the request is resolved.',
    );
  }

  /** The rating: the reporter, the board, the assignee (whose work it rates) and an operator in a support session see it. */
  async of(viewer: Viewer | null, row: ServiceRequestRow, loaders?: Pick<RequestFieldLoaders, 'rating'>): Promise<RatingRow | null> {
    if (!this.serviceRequests.seesDetails(viewer, row)) return null;
    if (!loaders) return this.repository.find(row.associationId, row.id);
    return (await loaders.rating.load(row.id))[0] ?? null;
  }

  /** The ratings of a batch of requests, for the loaders (seeing them is checked by `of`). */
  ratingsOf(associationId: string, requestIds: readonly string[]): Promise<RatingRow[]> {
    return this.repository.byRequests(associationId, requestIds);
  }
}
