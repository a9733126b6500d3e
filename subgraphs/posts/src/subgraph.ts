import { readFileSync } from 'node:fs';
import path from 'node:path';
import { OutboxRelay, type SubgraphDefinition, type SubgraphModule, type SubgraphProcessDependencies } from '@tunet/kit';
import { parse } from 'graphql';
import type { PostsContext } from './context';
import { createPostsLoaders } from './posts/posts.loaders';
import { PostsRepository } from './posts/posts.repository';
import { postsResolvers } from './posts/posts.resolvers';
import { PostsService } from './posts/posts.service';

const root = path.resolve(__dirname, '..');

export interface PostsSubgraph extends SubgraphModule<PostsContext> {
  posts: PostsService;
  repository: PostsRepository;
}

/** Wires the posts subgraph: the repository on its own schema, the service, and the request context. */
export async function createPostsSubgraph(deps: SubgraphProcessDependencies): Promise<PostsSubgraph> {
  const db = deps.database.forSubgraph('posts', path.join(root, 'migrations'));
  const repository = new PostsRepository(db);
  const posts = new PostsService(repository);
  const definition: SubgraphDefinition<PostsContext> = {
    name: 'posts',
    typeDefs: parse(readFileSync(path.join(root, 'schema.graphql'), 'utf8')),
    resolvers: [postsResolvers],
    createContext: (request) => ({
      ...request,
      loaders: createPostsLoaders(repository, request.viewer),
      posts,
    }),
    isReady: () => deps.database.ping(),
  };
  return {
    definition,
    migrate: () => db.migrate(),
    backgroundJobs: (stream) => [new OutboxRelay(db, stream)],
    posts,
    repository,
  };
}
