import { conflict, decodeCursor, forbidden, pageSize, toPage, type Page, type RequestContext, type Viewer } from '@tunet/kit';
import { z } from 'zod';
import type { ServiceRequestRow } from '../service-requests/service-requests.repository';
import type { CommentVisibility } from '../tables';
import type { ServiceRequestsService } from '../service-requests/service-requests.service';
import { canComment, visibleCommentKinds } from './comments.access';
import type { CommentRow, CommentsRepository } from './comments.repository';
import { checkCommentBody } from './comments.rules';

/** Enough for any real fault's back-and-forth; a script filling one request's thread stops here (CONFLICT). */
export const MAX_COMMENTS_PER_REQUEST = 500;

const cursorKey = z.tuple([z.iso.datetime(), z.guid()]);

/**
 * Comments on service requests (decision 0042): PUBLIC between the reporter, the board and the assignee; INTERNAL
 * for the board and the assignee alone. The reporter never gets an internal comment through any field: the kinds a
 * viewer may read are decided before the query, which filters on them, so nothing internal is ever fetched for them.
 */
export class CommentsService {
  constructor(
    private readonly repository: CommentsRepository,
    private readonly serviceRequests: ServiceRequestsService,
    private readonly now: () => Date = () => new Date(),
  ) {}

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
    const added = await this.repository.add(
      row.associationId,
      { requestId: row.id, authorMemberId: request.viewer!.memberId!, visibility: visibility, body, createdAt: this.now() },
      MAX_COMMENTS_PER_REQUEST,
    );
    if (added === 'full') throw conflict(`The request has ${MAX_COMMENTS_PER_REQUEST} comments, the most it can have.`);
    if (added === null) throw conflict('The request was removed.');
    return added;
  }

  /** The comments the viewer may read, oldest first; none for a resident shown the request as already reported. */
  async list(viewer: Viewer | null, row: ServiceRequestRow, args: { first?: number | null; after?: string | null }): Promise<Page<CommentRow>> {
    const size = pageSize(args.first, 50);
    const after = args.after ? decodeCursor(args.after, cursorKey) : null;
    const kinds = visibleCommentKinds(viewer, row);
    const rows = await this.repository.list(row.associationId, row.id, kinds, size + 1, after && { createdAt: after[0], id: after[1] });
    return toPage(rows, size, (comment) => [comment.createdAt.toISOString(), comment.id]);
  }
}
