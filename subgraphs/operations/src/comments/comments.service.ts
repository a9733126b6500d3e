import {
  conflict,
  decodeCursor,
  forbidden,
  pageSize,
  RateLimit,
  rateLimited,
  toPage,
  type FastStore,
  type Page,
  type RequestContext,
  type Viewer,
} from '@tunet/kit';
import { z } from 'zod';
import type { ServiceRequestRow } from '../service-requests/service-requests.repository';
import type { CommentVisibility } from '../tables';
import type { ServiceRequestsService } from '../service-requests/service-requests.service';
import { canComment, visibleCommentKinds } from './comments.access';
import type { RequestFieldLoaders } from '../request-fields.loaders';
import type { CommentRow, CommentsRepository } from './comments.repository';
import { checkCommentBody } from './comments.rules';

/**
 * Per author and request: enough for any real fault's back-and-forth; a script filling a thread stops here (CONFLICT).
 * Per author, so the reporter's comments never use up the board's or the assignee's room, nor theirs the reporter's.
 */
export const MAX_COMMENTS_PER_AUTHOR = 500;
/** Comments per member per hour before RATE_LIMITED: a busy caretaker's day fits, a flood of notifications does not. */
export const COMMENTS_PER_HOUR = 60;

const cursorKey = z.tuple([z.iso.datetime(), z.guid()]);

/**
 * Comments on service requests (decision 0042): PUBLIC between the reporter, the board and the assignee; INTERNAL
 * for the board and the assignee alone. The reporter never gets an internal comment through any field: the kinds a
 * viewer may read are decided before the query, which filters on them, so nothing internal is ever fetched for them.
 */
export class CommentsService {
  private readonly perHour: RateLimit;

  constructor(
    private readonly repository: CommentsRepository,
    private readonly serviceRequests: ServiceRequestsService,
    store: FastStore,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.perHour = new RateLimit(store, { name: 'operations:comments', points: COMMENTS_PER_HOUR, windowSeconds: 3600, blockSeconds: 3600 });
  }

  async add(request: RequestContext, input: { requestId: string; visibility?: CommentVisibility | null; body: string }): Promise<CommentRow> {
    const visibility = input.visibility ?? 'public';
    // NOT_FOUND for a request the viewer may not see, FEATURE_NOT_SUBSCRIBED without the add-on.
    const row = await this.serviceRequests.get(request, input.requestId);

    if (!canComment(request.viewer, row, visibility)) {
      throw forbidden(
        visibility === 'internal'
          ? 'Only the board and the assignee write internal comments.'
          : 'Only the reporter, the board and the assignee comment on a request.',
      );
    }
    const body = checkCommentBody(input.body);
    const authorMemberId = request.viewer!.memberId!;
    const taken = await this.perHour.take(`${row.associationId}:${authorMemberId}`);
    if (!taken.taken) throw rateLimited(taken.secondsBlocked);
    const added = await this.repository.add(
      row.associationId,
      { requestId: row.id, authorMemberId, visibility: visibility, body, createdAt: this.now() },
      MAX_COMMENTS_PER_AUTHOR,
    );
    if (added === 'full') throw conflict(`You have written ${MAX_COMMENTS_PER_AUTHOR} comments on this request, the most one person can.`);
    if (added === null) throw conflict('The request was removed.');
    return added;
  }

  /** The comments the viewer may read, oldest first; none for a resident shown the request as already reported. */
  async list(
    viewer: Viewer | null,
    row: ServiceRequestRow,
    args: { first?: number | null; after?: string | null },
    loaders?: Pick<RequestFieldLoaders, 'comments'>,
  ): Promise<Page<CommentRow>> {
    const size = pageSize(args.first, 50);
    const after = args.after ? decodeCursor(args.after, cursorKey) : null;
    const kinds = visibleCommentKinds(viewer, row);
    if (kinds.length === 0) return toPage([], size, () => []);
    // A first page of a page of requests is one query; a later page of one request's thread reads it alone.
    const rows =
      loaders && !after
        ? await loaders.comments(kinds, size + 1).load(row.id)
        : await this.repository.list(row.associationId, row.id, kinds, size + 1, after && { createdAt: after[0], id: after[1] });
    return toPage(rows, size, (comment) => [comment.createdAt.toISOString(), comment.id]);
  }

  /** The first `limit` comments of the given kinds on each request, for the loaders (the kinds are decided by `list`). */
  firstPagesOf(associationId: string, requestIds: readonly string[], kinds: readonly CommentVisibility[], limit: number): Promise<CommentRow[]> {
    return this.repository.firstPages(associationId, requestIds, kinds, limit);
  }
}
