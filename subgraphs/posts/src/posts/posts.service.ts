import { randomUUID } from 'node:crypto';
import {
  admitMember,
  decodeCursor,
  notFound,
  pageSize,
  parseInput,
  toPage,
  unauthenticated,
  type Page,
  type Viewer,
} from '@tunet/kit';
import { z } from 'zod';
import { canCreatePost, canReadPosts } from './posts.access';
import type { PostsLoaders } from './posts.loaders';
import type { PostListPosition, PostRow, PostsRepository } from './posts.repository';

const createPostInput = z.object({
  title: z.string().trim().min(1).max(200),
  body: z.string().trim().min(1).max(20_000),
});

/** A cursor is [publishedAt as ISO string, id]; both are checked because PostgreSQL would reject bad casts. */
const cursorKey = z.tuple([z.iso.datetime(), z.guid()]);

/** Business rules for the association's notice board. */
export class PostsService {
  constructor(private readonly repository: PostsRepository) {}

  async listPosts(
    viewer: Viewer | null,
    first: number | null | undefined,
    after: string | null | undefined,
  ): Promise<Page<PostRow>> {
    const reader = admitMember(viewer, canReadPosts);
    const size = pageSize(first);
    const rows = await this.repository.listPosts(reader.associationId, size + 1, after ? positionAfter(after) : null);
    return toPage(rows, size, (row) => [row.publishedAt.toISOString(), row.id]);
  }

  async post(viewer: Viewer | null, loaders: PostsLoaders, id: string): Promise<PostRow> {
    if (!viewer) throw unauthenticated();
    const post = await loaders.postById.load(id);
    if (!post) throw notFound('Post');
    return post;
  }

  async createPost(viewer: Viewer | null, rawInput: unknown): Promise<PostRow> {
    const author = admitMember(viewer, canCreatePost);
    const input = parseInput(createPostInput, rawInput);
    return this.repository.insertPost(author.associationId, { id: randomUUID(), authorMemberId: author.memberId, ...input });
  }
}

function positionAfter(cursor: string): PostListPosition {
  const [publishedAt, id] = decodeCursor(cursor, cursorKey);
  return { publishedAt: new Date(publishedAt), id };
}
