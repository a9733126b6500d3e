import { groupLoader, type RequestContext } from '@tunet/kit';
import type { AssignmentsService } from './assignments/assignments.service';
import type { SupplierRow } from './assignments/assignments.repository';
import type { CommentRow } from './comments/comments.repository';
import type { CommentsService } from './comments/comments.service';
import type { RatingRow } from './ratings/ratings.repository';
import type { RatingsService } from './ratings/ratings.service';
import type { StatusChangeRow } from './service-requests/service-requests.repository';
import type { ServiceRequestsService } from './service-requests/service-requests.service';
import type { CommentVisibility } from './tables';

type Loader<T> = { load(requestId: string): Promise<T[]> };

/**
 * The per-request loaders of a service request's fields (issue 15 review finding 12): a page of requests asking for
 * its rating, supplier, history and first comments costs one query per field, not one per request and field. Each
 * field's resolver checks who may see it before it loads.
 */
export interface RequestFieldLoaders {
  rating: Loader<RatingRow>;
  supplier: Loader<SupplierRow>;
  history: Loader<StatusChangeRow>;
  /** The first `limit` comments of the kinds the viewer reads, by request: one loader per kinds and page size. */
  comments(kinds: readonly CommentVisibility[], limit: number): Loader<CommentRow>;
}

type Services = { serviceRequests: ServiceRequestsService; assignments: AssignmentsService; comments: CommentsService; ratings: RatingsService };

// Keyed by the request's context object, which every resolver of one request shares: the loaders live exactly as long
// as the request, as maintenance's do.
const perRequest = new WeakMap<object, RequestFieldLoaders>();

/** The request's service-request field loaders, made on first use within the viewer's association. */
export function requestFieldLoaders(ctx: RequestContext & Services): RequestFieldLoaders {
  let loaders = perRequest.get(ctx);
  if (!loaders) {
    const commentPages = new Map<string, Loader<CommentRow>>();
    loaders = {
      rating: groupLoader(
        ctx.viewer,
        (tenant, ids) => ctx.ratings.ratingsOf(tenant, ids),
        (row) => row.requestId,
      ),
      supplier: groupLoader(
        ctx.viewer,
        (tenant, ids) => ctx.assignments.suppliersOf(tenant, ids),
        (row) => row.requestId,
      ),
      history: groupLoader(
        ctx.viewer,
        (tenant, ids) => ctx.serviceRequests.historiesOf(tenant, ids),
        (row) => row.requestId,
      ),
      comments: (kinds, limit) => {
        const key = `${[...kinds].sort().join(',')}:${limit}`;
        let loader = commentPages.get(key);
        if (!loader) {
          loader = groupLoader(
            ctx.viewer,
            (tenant, ids) => ctx.comments.firstPagesOf(tenant, ids, kinds, limit),
            (row) => row.requestId,
          );
          commentPages.set(key, loader);
        }
        return loader;
      },
    };
    perRequest.set(ctx, loaders);
  }
  return loaders;
}
