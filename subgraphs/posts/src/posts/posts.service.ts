import { randomUUID } from 'node:crypto';
import {
  admitMember,
  badUserInput,
  conflict,
  createLogger,
  decodeCursor,
  definedOnly,
  forbidden,
  isMember,
  isUnavailable,
  lowerCaseEnum,
  notFound,
  pageSize,
  parseInput,
  toPage,
  unauthenticated,
  type Announcement,
  type MemberViewer,
  type Page,
  type Viewer,
} from '@tunet/kit';
import { z } from 'zod';
import { audienceInput, viewerAudiences, type Audience, type GroupMembershipSource, type ViewerAudiences } from '../audiences/audiences';
import type { AudienceReferences } from '../audiences/audience-references';
import type { ConductService } from '../conduct/conduct.service';
import type { PostKind } from '../tables';
import { canCreatePost, canDeletePost, canMarkImportant, canPinPosts, canPostKind, canPostTo, canReadPosts, canSeeReach, canUpdatePost } from './posts.access';
import type { PostsLoaders } from './posts.loaders';
import { excerptOf } from './posts.markdown';
import { NO_RESTRICTIONS, type Restrictions } from '../privacy/restrictions';
import type { PostChanges, PostListPosition, PostReadRow, PostRow, PostsRepository, ReaderListPosition } from './posts.repository';

const logger = createLogger('posts');

/**
 * While a person's processing is restricted (decision 0038), what they would change or add that others see is refused;
 * what is withheld (theirs alone) they may still edit. One code and reason for every such refusal.
 */
export const processingRestricted = () =>
  forbidden('Your processing is restricted: nothing you change or add can be shown to others until the restriction is lifted.', {
    reason: 'PROCESSING_RESTRICTED',
  });

/** Articles are blog-style and may run long; news and bulletins are read in the feed. Matches migration 0009. */
const BODY_LIMITS: Record<PostKind, number> = { news: 20_000, bulletin: 20_000, article: 100_000 };

const title = z.string().trim().min(1).max(200);
const body = z.string().trim().min(1).max(BODY_LIMITS.article);
const kind = lowerCaseEnum(['news', 'bulletin', 'article']);

const createPostInput = z.object({
  title,
  body,
  kind: kind.nullish().transform((value) => value ?? 'bulletin'),
  audience: audienceInput.nullish().transform((value): Audience => value ?? { kind: 'association' }),
  publishAt: z.date().nullish(),
  expiresAt: z.date().nullish(),
  important: z
    .boolean()
    .nullish()
    .transform((value) => value ?? false),
});

// Malformed ids need no check here: the loaders answer null for them, which becomes NOT_FOUND.
const updatePostInput = z.object({
  postId: z.string(),
  title: title.nullish().transform(orUndefined),
  body: body.nullish().transform(orUndefined),
  audience: audienceInput.nullish().transform(orUndefined),
  publishAt: z.date().nullish().transform(orUndefined),
  // null takes the expiry away, so it is kept apart from "not given".
  expiresAt: z.date().nullish(),
  important: z.boolean().nullish().transform(orUndefined),
});

const feedFilter = z
  .object({
    kind: kind.nullish().transform(orUndefined),
    audience: audienceInput.nullish().transform(orUndefined),
    unreadOnly: z
      .boolean()
      .nullish()
      .transform((value) => value ?? false),
    important: z.boolean().nullish().transform(orUndefined),
    excludePinned: z
      .boolean()
      .nullish()
      .transform((value) => value ?? false),
  })
  .nullish()
  .transform((value) => value ?? { unreadOnly: false });

/**
 * A cursor is [instant as ISO string, id]: publishedAt and the post's id, or readAt and the reader's member id.
 * Both are checked because PostgreSQL would reject bad casts.
 */
const cursorKey = z.tuple([z.iso.datetime(), z.guid()]);

/** Scheduled posts announced per run; a full batch runs the announcer again at once. */
const ANNOUNCE_BATCH = 100;

/** What the feed can be asked for; `audience` lets a group page list its own posts. */
export interface ListPostsOptions {
  first?: number | null;
  after?: string | null;
  kind?: PostKind;
  audience?: Audience;
  unreadOnly?: boolean;
  important?: boolean;
  excludePinned?: boolean;
}

/** Posting requires the association's current code of conduct to be accepted (the conduct domain decides). */
export type ConductGate = Pick<ConductService, 'requireAccepted'>;

/** Business rules for the association's notice board: news, bulletins and articles, each for an audience. */
export class PostsService {
  constructor(
    private readonly repository: PostsRepository,
    private readonly groupMemberships: GroupMembershipSource,
    private readonly conduct: ConductGate,
    private readonly references: AudienceReferences,
    private readonly restrictions: Restrictions = NO_RESTRICTIONS,
  ) {}

  private readonly restrictedByRequest = new WeakMap<object, Promise<boolean>>();

  /**
   * Whether the viewer's processing is restricted, asked once per request (keyed by its loaders) for the
   * `viewerCanEdit` flags of posts and comments. False when privacy cannot answer: the flag then offers what the
   * mutation may refuse for a moment (SERVICE_UNAVAILABLE), rather than failing the whole feed.
   */
  viewerRestricted(viewer: Viewer | null, loaders: object): Promise<boolean> {
    if (!isMember(viewer)) return Promise.resolve(false);
    let restricted = this.restrictedByRequest.get(loaders);
    if (!restricted) {
      restricted = this.restrictions.isRestricted(viewer.associationId, viewer.memberId).catch(() => false);
      this.restrictedByRequest.set(loaders, restricted);
    }
    return restricted;
  }

  /** The viewer's feed, newest first: what is published, not expired, and for an audience they are in. */
  async listPosts(viewer: Viewer | null, options: ListPostsOptions): Promise<Page<PostRow>> {
    const reader = admitMember(viewer, canReadPosts);
    const size = pageSize(options.first);
    const rows = await this.repository.listFeed(
      reader.associationId,
      await this.audiencesOf(reader),
      {
        kind: options.kind,
        audience: options.audience,
        unreadOnly: options.unreadOnly,
        important: options.important,
        excludePinned: options.excludePinned,
      },
      size + 1,
      options.after ? positionAfter(options.after) : null,
    );
    return toPage(rows, size, (row) => [row.publishedAt.toISOString(), row.id]);
  }

  /** `Query.posts`: the feed with a filter as GraphQL sends it. */
  async feed(viewer: Viewer | null, first: number | null | undefined, after: string | null | undefined, rawFilter: unknown): Promise<Page<PostRow>> {
    if (!viewer) throw unauthenticated();
    const filter = parseInput(feedFilter, rawFilter);
    return this.listPosts(viewer, { first, after, ...filter });
  }

  async post(viewer: Viewer | null, loaders: PostsLoaders, id: string): Promise<PostRow> {
    if (!viewer) throw unauthenticated();
    const post = await loaders.postById.load(id);
    if (!post) throw notFound('Post');
    return post;
  }

  /** The pinned posts of the viewer's feed, most recently pinned first. */
  async pinnedPosts(viewer: Viewer | null): Promise<PostRow[]> {
    const reader = admitMember(viewer, canReadPosts);
    return this.repository.listPinned(reader.associationId, await this.audiencesOf(reader));
  }

  /** Posts waiting for their publish time, soonest first: the viewer's own, or every one for the board. */
  async scheduledPosts(viewer: Viewer | null, first: number | null | undefined, after: string | null | undefined): Promise<Page<PostRow>> {
    const reader = admitMember(viewer, canReadPosts);
    const size = pageSize(first);
    const rows = await this.repository.listScheduled(reader.associationId, await this.audiencesOf(reader), size + 1, after ? positionAfter(after) : null);
    return toPage(rows, size, (row) => [row.publishedAt.toISOString(), row.id]);
  }

  async unreadPostCount(viewer: Viewer | null): Promise<number> {
    const reader = admitMember(viewer, canReadPosts);
    return this.repository.countUnread(reader.associationId, await this.audiencesOf(reader));
  }

  async createPost(viewer: Viewer | null, rawInput: unknown): Promise<PostRow> {
    const author = admitMember(viewer, canCreatePost);
    const input = parseInput(createPostInput, rawInput);
    checkBodyLength(input.kind, input.body);
    if (!canPostKind(author, author.associationId, input.kind)) throw forbidden('Only the board can publish news.');
    if (input.important && !canMarkImportant(author, author.associationId)) throw forbidden('Only the board can mark a post important.');
    await this.requirePostableAudience(author, await this.audiencesOf(author), input.audience);
    await this.conduct.requireAccepted(author);
    const now = new Date();
    if (input.publishAt && input.publishAt <= now) throw badUserInput('publishAt', 'publishAt: must be in the future; leave it out to publish now.');
    checkExpiry(input.expiresAt, input.publishAt ?? now);
    const { audience, publishAt, ...fields } = input;
    // Written while the author's processing is restricted: the author's alone, and never announced.
    const withheld = await this.restrictions.isRestricted(author.associationId, author.memberId);
    const post = {
      id: randomUUID(),
      authorMemberId: author.memberId,
      ...fields,
      ...audienceColumns(audience),
      ...(publishAt ? { publishedAt: publishAt } : {}),
      ...(withheld ? { withheld, announcedAt: now } : {}),
    };
    // A post published now is announced with its insert; a scheduled one by the announcer when its time comes.
    return this.repository.insertPost(author.associationId, post, publishAt || withheld ? null : postPublished);
  }

  async updatePost(viewer: Viewer | null, loaders: PostsLoaders, rawInput: unknown): Promise<PostRow> {
    const editor = admitMember(viewer, canReadPosts);
    const input = parseInput(updatePostInput, rawInput);
    const post = await this.post(editor, loaders, input.postId);
    if (!canUpdatePost(editor, post)) throw forbidden('Only the author can edit a post.');
    if (!post.withheld && (await this.restrictions.isRestricted(editor.associationId, editor.memberId))) throw processingRestricted();
    // The board reviews the text that was reported, so it stays as it is until the board decides.
    if (post.moderationState !== 'visible') throw conflict('The post is hidden or removed by moderation.');
    if (input.important !== undefined && input.important !== post.important && !canMarkImportant(editor, post.associationId)) {
      throw forbidden('Only the board can mark a post important.');
    }
    if (input.audience) await this.requirePostableAudience(editor, await this.audiencesOf(editor, loaders), input.audience);
    if (input.body !== undefined) checkBodyLength(post.kind, input.body);
    const now = new Date();
    if (input.publishAt) {
      if (post.publishedAt <= now) throw conflict('The post is already published; its publish time cannot change.');
      if (input.publishAt <= now) throw badUserInput('publishAt', 'publishAt: must be in the future.');
    }
    checkExpiry(input.expiresAt === undefined ? post.expiresAt : input.expiresAt, input.publishAt ?? post.publishedAt);
    const { postId, audience, publishAt, ...fields } = input;
    const changes: PostChanges = definedOnly({ ...fields, ...(audience ? audienceColumns(audience) : {}), publishedAt: publishAt });
    const updated = await this.repository.updatePost(editor.associationId, postId, changes, publishAt !== undefined);
    // The post was published or moderated between the load and the write.
    if (!updated) throw conflict('The post changed meanwhile; load it again.');
    return updated;
  }

  private async requirePostableAudience(author: MemberViewer, audiences: ViewerAudiences, audience: Audience): Promise<void> {
    if (!canPostTo(audiences, audience)) throw forbidden('You can only post to an audience you belong to.');
    await this.references.require(author, audience);
    if (audience.kind === 'group' && (await this.groupMemberships.isArchived(author, audience.id))) {
      throw conflict('The group is archived: its posts stay readable, but nobody can post to it any more.');
    }
  }

  async deletePost(viewer: Viewer | null, loaders: PostsLoaders, postId: string): Promise<PostRow> {
    const deleter = admitMember(viewer, canReadPosts);
    const post = await this.post(deleter, loaders, postId);
    if (!canDeletePost(deleter, post)) {
      throw forbidden("Only the author can delete a post; the board removes others' posts with moderateContent.");
    }
    const removed = await this.repository.removePost(deleter.associationId, post.id);
    if (!removed) throw notFound('Post');
    return removed;
  }

  async setPinned(viewer: Viewer | null, loaders: PostsLoaders, postId: string, pinned: boolean): Promise<PostRow> {
    const board = admitMember(viewer, canPinPosts);
    const post = await this.post(board, loaders, postId);
    const changed = await this.repository.setPinned(board.associationId, post.id, pinned);
    if (!changed) throw notFound('Post');
    return changed;
  }

  /** Marking a post read twice changes nothing. Anyone who can see the post may, externals included. */
  async markPostRead(viewer: Viewer | null, loaders: PostsLoaders, postId: string): Promise<PostRow> {
    const reader = admitMember(viewer, canReadPosts);
    const post = await this.post(reader, loaders, postId);
    await this.repository.markRead(reader.associationId, post.id, reader.memberId);
    // The request's loaders may have cached the state from before the write.
    loaders.readByViewer.clear(post.id);
    loaders.readCountByPost.clear(post.id);
    return post;
  }

  /** Who has read the post, first reader first; null for anyone but the board and the author (canSeeReach). */
  async readers(viewer: Viewer | null, post: PostRow, first: number | null | undefined, after: string | null | undefined): Promise<Page<PostReadRow> | null> {
    if (!canSeeReach(viewer, post)) return null;
    const size = pageSize(first);
    const rows = await this.repository.listReaders(post.associationId, post.id, size + 1, after ? readerPositionAfter(after) : null);
    return toPage(rows, size, (row) => [row.readAt.toISOString(), row.memberId]);
  }

  /** How many members have read the post; null for anyone but the board and the author. */
  readCount(viewer: Viewer | null, loaders: PostsLoaders, post: PostRow): Promise<number> | null {
    return canSeeReach(viewer, post) ? loaders.readCountByPost.load(post.id) : null;
  }

  /** One run of the announcer: announces scheduled posts whose time has come; true when more may be waiting. */
  async announceDuePosts(): Promise<boolean> {
    let waiting = 0;
    // A post scheduled before its author's processing was restricted is withheld when its time comes, not published.
    // While privacy cannot say whether the author is restricted, the post waits for the next run (never published
    // unchecked), and the others, of associations whose answer is at hand, go on.
    const withheld = async (post: PostRow): Promise<boolean | 'wait'> => {
      try {
        return await this.restrictions.isRestricted(post.associationId, post.authorMemberId);
      } catch (error) {
        if (!isUnavailable(error)) throw error;
        waiting++;
        logger.warn(
          { err: error, associationId: post.associationId, postId: post.id },
          'scheduled post waits: privacy cannot say whether its author is restricted',
        );
        return 'wait';
      }
    };
    const claimed = await this.repository.announceDuePosts(ANNOUNCE_BATCH, postPublished, withheld);
    // A batch of posts that wait for privacy is no sign of more to do at once: the next run is soon enough.
    return claimed === ANNOUNCE_BATCH && waiting < claimed;
  }

  private async audiencesOf(member: MemberViewer, loaders?: PostsLoaders): Promise<ViewerAudiences> {
    const fromRequest = await loaders?.viewerAudiences();
    return fromRequest ?? viewerAudiences(member, await this.groupMemberships.groupIdsOf(member));
  }
}

/**
 * `post.published`, written in the transaction that makes the post visible. Notifications resolves the
 * recipients from the audience; `important` notices are sent to everyone in it whatever their preferences.
 */
/** The table's check pairs a null audience id with the association and the board, and an id with the others. */
function audienceOf({ audienceKind: kind, audienceId: id }: PostRow) {
  return kind === 'association' || kind === 'board' ? { kind, id: null } : { kind, id: id! };
}

function postPublished(row: PostRow): Announcement {
  return {
    topic: 'post.published',
    payload: {
      postId: row.id,
      kind: row.kind,
      title: row.title,
      excerpt: excerptOf(row.body),
      audience: audienceOf(row),
      important: row.important,
      authorMemberId: row.authorMemberId,
      publishedAt: row.publishedAt.toISOString(),
    },
  };
}

function audienceColumns(audience: Audience) {
  return { audienceKind: audience.kind, audienceId: 'id' in audience ? audience.id : null };
}

function checkBodyLength(postKind: PostKind, text: string): void {
  const limit = BODY_LIMITS[postKind];
  if (text.length > limit) throw badUserInput('body', `body: at most ${limit} characters for this kind of post`);
}

function checkExpiry(expiresAt: Date | null | undefined, publishedAt: Date): void {
  if (expiresAt && expiresAt <= publishedAt) throw badUserInput('expiresAt', 'expiresAt: must be after the post is published.');
}

function orUndefined<T>(value: T | null | undefined): T | undefined {
  return value ?? undefined;
}

function positionAfter(cursor: string): PostListPosition {
  const [publishedAt, id] = decodeCursor(cursor, cursorKey);
  return { publishedAt: new Date(publishedAt), id };
}

function readerPositionAfter(cursor: string): ReaderListPosition {
  const [readAt, memberId] = decodeCursor(cursor, cursorKey);
  return { readAt: new Date(readAt), memberId };
}
