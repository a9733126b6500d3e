import type { RequestContext } from '@tunet/kit';
import type { EventsLoaders } from './events/events.loaders';
import type { EventsService } from './events/events.service';
import type { CommentsLoaders } from './comments/comments.loaders';
import type { CommentsService } from './comments/comments.service';
import type { PostsLoaders } from './posts/posts.loaders';
import type { PostsService } from './posts/posts.service';

/** What every posts resolver receives: the request (viewer, request id, client address), loaders and the service. */
export interface PostsContext extends RequestContext {
  loaders: PostsLoaders & EventsLoaders;
  events: EventsService;
  posts: PostsService;
  commentLoaders: CommentsLoaders;
  comments: CommentsService;
}
