import DataLoader from 'dataloader';
import { groupLoader, isMember, isUuid, tenantLoader, type Viewer } from '@tunet/kit';
import { canReadComments } from './comments.access';
import type { CommentEditRow, CommentRow, CommentsRepository, ReactionKind, ReactionTargetType } from './comments.repository';

export interface ReactionCount {
  reaction: ReactionKind;
  count: number;
}

/** Per-target reaction loaders, one pair per target type so keys stay plain ids. */
export interface ReactionLoaders {
  counts: DataLoader<string, ReactionCount[]>;
  mine: DataLoader<string, ReactionKind[]>;
}

export interface CommentsLoaders {
  /** Comments of the viewer's own association only; anything else loads as null. */
  commentById: DataLoader<string, CommentRow | null>;
  /**
   * The first `rows` replies under each top-level comment asked for in the request: one query for a page of
   * comments however many threads it opens. One loader per row count, so each key's rows are complete.
   */
  firstReplies: (rows: number) => DataLoader<string, CommentRow[]>;
  editsByComment: DataLoader<string, CommentEditRow[]>;
  commentCountByPost: DataLoader<string, number>;
  postReactions: ReactionLoaders;
  commentReactions: ReactionLoaders;
}

/**
 * Per-request loaders: each field of a feed page (count, reactions, the viewer's reactions) costs one query
 * however many posts the page holds. Viewers who may not read comments get empty answers without a query.
 */
export function createCommentsLoaders(repository: CommentsRepository, viewer: Viewer | null): CommentsLoaders {
  const reader = viewer?.associationId && canReadComments(viewer, viewer.associationId) ? viewer : null;
  const viewerId = isMember(reader) ? reader.memberId : null;
  const counts = groupLoader(
    reader,
    (tenant, postIds) => repository.countComments(tenant, postIds),
    (row) => row.postId,
  );
  return {
    commentById: tenantLoader(reader, (tenant, ids) => repository.findComments(tenant, ids, viewerId)),
    firstReplies: perRowCount((rows) =>
      groupLoader(
        reader,
        (tenant, ids) => repository.firstReplies(tenant, ids, rows, viewerId),
        (row) => row.parentId ?? '',
      ),
    ),
    editsByComment: groupLoader(
      reader,
      (tenant, ids) => repository.findEdits(tenant, ids),
      (row) => row.commentId,
    ),
    commentCountByPost: new DataLoader(async (postIds) => (await counts.loadMany(postIds)).map(onlyCount)),
    postReactions: reactionLoaders(repository, reader, 'POST'),
    commentReactions: reactionLoaders(repository, reader, 'COMMENT'),
  };
}

function reactionLoaders(repository: CommentsRepository, reader: Viewer | null, type: ReactionTargetType): ReactionLoaders {
  const memberId = isMember(reader) ? reader.memberId : null;
  const grouped = groupLoader(
    reader,
    (tenant, ids) => repository.countReactions(tenant, type, ids),
    (row) => row.targetId,
  );
  return {
    counts: new DataLoader(async (ids) =>
      (await grouped.loadMany(ids)).map((group) => {
        if (group instanceof Error) throw group;
        return group.map(({ reaction, count }) => ({ reaction, count }));
      }),
    ),
    mine: new DataLoader(async (ids) => {
      const wellFormed = ids.filter(isUuid);
      if (!reader?.associationId || !memberId || wellFormed.length === 0) return ids.map(() => []);
      const rows = await repository.findMemberReactions(reader.associationId, type, memberId, wellFormed);
      return ids.map((id) => rows.filter((row) => row.targetId === id).map((row) => row.reaction));
    }),
  };
}

/** One loader per row count, made on first use, so a page size costs one query per request. */
function perRowCount<L>(make: (rows: number) => L): (rows: number) => L {
  const loaders = new Map<number, L>();
  return (rows) => {
    if (!loaders.has(rows)) loaders.set(rows, make(rows));
    return loaders.get(rows)!;
  };
}

/** A post's group holds at most one count row; none means no undeleted comments. */
function onlyCount(group: { count: number }[] | Error): number {
  if (group instanceof Error) throw group;
  return group[0]?.count ?? 0;
}
