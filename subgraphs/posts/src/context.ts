import type { RequestContext, Viewer } from '@tunet/kit';
import type { PostsLoaders } from './posts/posts.loaders';
import type { PostsService } from './posts/posts.service';

/** What every posts resolver receives: who is asking, per-request loaders, and the service. */
export interface PostsContext {
  requestId: string;
  clientIp: string;
  viewer: Viewer | null;
  loaders: PostsLoaders;
  posts: PostsService;
}

export type { RequestContext };
