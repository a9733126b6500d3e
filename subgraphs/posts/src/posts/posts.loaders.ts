import DataLoader from 'dataloader';
import { alignToKeys, isUuid, type Viewer } from '@tunet/kit';
import { canReadPosts } from './posts.access';
import type { PostRow, PostsRepository } from './posts.repository';

export interface PostsLoaders {
  /** Posts of the viewer's own association only; anyone else's id, and any id for anonymous viewers, load as null. */
  postById: DataLoader<string, PostRow | null>;
}

/** Per-request loaders, so resolving 1 or 100 post references costs one query. */
export function createPostsLoaders(repository: PostsRepository, viewer: Viewer | null): PostsLoaders {
  return {
    postById: new DataLoader(async (ids) => {
      const tenant = viewer?.associationId;
      if (!tenant || !canReadPosts(viewer, tenant)) return ids.map(() => null);
      const wellFormed = ids.filter(isUuid);
      const rows = wellFormed.length > 0 ? await repository.findPosts(tenant, wellFormed) : [];
      return alignToKeys(ids, rows, (row) => row.id);
    }),
  };
}
