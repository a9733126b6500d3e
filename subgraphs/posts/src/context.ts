import type { RequestContext } from '@tunet/kit';
import type { PostsLoaders } from './posts/posts.loaders';
import type { PostsService } from './posts/posts.service';

/** What every posts resolver receives: the request (viewer, request id, client address), loaders and the service. */
export interface PostsContext extends RequestContext {
  loaders: PostsLoaders;
  posts: PostsService;
}
