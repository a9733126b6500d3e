import DataLoader from 'dataloader';
import { alignToKeys, isMember, isUuid, type Viewer } from '@tunet/kit';
import { viewerAudiences, type GroupMembershipSource, type ViewerAudiences } from '../audiences/audiences';
import { canReadPosts, canSeePost } from './posts.access';
import type { PostRow, PostsRepository } from './posts.repository';

export interface PostsLoaders {
  /**
   * Posts the viewer may see (canSeePost): of their own association, in an audience they are in, published or
   * theirs to see early, not hidden from them. Anything else, and any id for anonymous viewers, loads as null,
   * so comments, reactions and entity references inherit the rule.
   */
  postById: DataLoader<string, PostRow | null>;
  /** The viewer's audiences, group memberships included, fetched once per request; null for non-members. */
  viewerAudiences: () => Promise<ViewerAudiences | null>;
  /** Whether the viewer has read each post; false for viewers who are not members. */
  readByViewer: DataLoader<string, boolean>;
  /** How many members have read each post. */
  readCountByPost: DataLoader<string, number>;
}

/** Per-request loaders, so resolving 1 or 100 post references, or their read state, costs one query each. */
export function createPostsLoaders(repository: PostsRepository, viewer: Viewer | null, groupMemberships: GroupMembershipSource): PostsLoaders {
  const reader = isMember(viewer) && canReadPosts(viewer, viewer.associationId) ? viewer : null;
  let audiences: Promise<ViewerAudiences | null> | undefined;
  const audiencesOnce = () => (audiences ??= reader ? groupMemberships.groupIdsOf(reader).then((ids) => viewerAudiences(reader, ids)) : Promise.resolve(null));
  return {
    postById: new DataLoader(async (ids) => {
      const wellFormed = ids.filter(isUuid);
      if (!reader || wellFormed.length === 0) return ids.map(() => null);
      const rows = await repository.findPosts(reader.associationId, wellFormed);
      const seer = rows.length > 0 ? await audiencesOnce() : null;
      const now = new Date();
      const visible = rows.filter((row) => canSeePost(reader, seer, row, now));
      return alignToKeys(ids, visible, (row) => row.id);
    }),
    viewerAudiences: audiencesOnce,
    readByViewer: new DataLoader(async (ids) => {
      const wellFormed = ids.filter(isUuid);
      if (!reader || wellFormed.length === 0) return ids.map(() => false);
      const read = new Set(await repository.findReadPostIds(reader.associationId, reader.memberId, wellFormed));
      return ids.map((id) => read.has(id));
    }),
    readCountByPost: new DataLoader(async (ids) => {
      const wellFormed = ids.filter(isUuid);
      if (!reader || wellFormed.length === 0) return ids.map(() => 0);
      const counts = new Map((await repository.countReads(reader.associationId, wellFormed)).map((row) => [row.postId, row.count]));
      return ids.map((id) => counts.get(id) ?? 0);
    }),
  };
}
