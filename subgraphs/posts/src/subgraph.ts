import { readFileSync } from 'node:fs';
import path from 'node:path';
import { OutboxRelay, type SubgraphDefinition, type SubgraphModule, type SubgraphProcessDependencies } from '@tunet/kit';
import { parse } from 'graphql';
import type { PostsContext } from './context';
import { createEventsLoaders } from './events/events.loaders';
import { EventsRepository } from './events/events.repository';
import { eventsResolvers } from './events/events.resolvers';
import { EventsService } from './events/events.service';
import { createCommentsLoaders } from './comments/comments.loaders';
import { CommentsRepository } from './comments/comments.repository';
import { commentsResolvers } from './comments/comments.resolvers';
import { CommentsService } from './comments/comments.service';
import { createPostsLoaders } from './posts/posts.loaders';
import { PostsRepository } from './posts/posts.repository';
import { postsResolvers } from './posts/posts.resolvers';
import { PostsService } from './posts/posts.service';

const root = path.resolve(__dirname, '..');

export interface PostsSubgraph extends SubgraphModule<PostsContext> {
  posts: PostsService;
  repository: PostsRepository;
  comments: CommentsService;
  commentsRepository: CommentsRepository;
  events: EventsService;
  eventsRepository: EventsRepository;
}

/** Wires the posts subgraph: the repository on its own schema, the service, and the request context. */
export async function createPostsSubgraph(deps: SubgraphProcessDependencies): Promise<PostsSubgraph> {
  const db = deps.database.forSubgraph('posts', path.join(root, 'migrations'));
  const repository = new PostsRepository(db);
  const posts = new PostsService(repository);
  const commentsRepository = new CommentsRepository(db);
  const comments = new CommentsService(commentsRepository);
  const eventsRepository = new EventsRepository(db);
  const events = new EventsService(eventsRepository);
  const definition: SubgraphDefinition<PostsContext> = {
    name: 'posts',
    typeDefs: parse(readFileSync(path.join(root, 'schema.graphql'), 'utf8')),
    resolvers: [postsResolvers, commentsResolvers, eventsResolvers],
    createContext: (request) => ({
      ...request,
      loaders: { ...createPostsLoaders(repository, request.viewer), ...createEventsLoaders(eventsRepository, request.viewer) },
      posts,
      commentLoaders: createCommentsLoaders(commentsRepository, request.viewer),
      comments,
      events,
    }),
    isReady: () => deps.database.ping(),
  };
  return {
    definition,
    migrate: () => db.migrate(),
    backgroundJobs: (stream) => [new OutboxRelay(db, stream)],
    posts,
    repository,
    comments,
    commentsRepository,
    events,
    eventsRepository,
  };
}
