import { isMember, type MemberRole, type Viewer } from '@tunet/kit';
import { viewerAudiences, type Audience } from '../audiences/audiences';
import type { PostKind } from '../tables';
import { ASSOCIATION_X as X, ASSOCIATION_Y as Y, integratorOf, memberOf, PLATFORM_ADMIN } from '../posts.fixtures';
import {
  canCreatePost,
  canDeletePost,
  canDeletePostNow,
  canEditPostNow,
  canMarkImportant,
  canPinPosts,
  canPostKind,
  canPostTo,
  canReadPosts,
  canSeePost,
  canSeeReach,
  canUpdatePost,
  type PostFacts,
} from './posts.access';

const BUILDING_A = 'c0000000-0000-4000-8000-00000000000a';
const BUILDING_B = 'c0000000-0000-4000-8000-00000000000b';
const COMMITTEE = 'c0000000-0000-4000-8000-0000000000cc';
const GROUP = 'c0000000-0000-4000-8000-0000000000dd';
const SOMEONE_ELSE = 'b0000000-0000-4000-8000-0000000000ff';
const NOW = new Date('2026-04-25T12:00:00.000Z');

/** A member of `associationId`; residents and the board live in building A. */
const member = (associationId: string, role: MemberRole) => memberOf(associationId, role, { scope: { buildingIds: role === 'external' ? [] : [BUILDING_A] } });

/** Members have audiences; residents and the board of X are also in GROUP. */
const audiencesOf = (viewer: Viewer | null) => (isMember(viewer) ? viewerAudiences(viewer, viewer.role === 'external' ? [] : [GROUP]) : null);

const post = (overrides: Partial<PostFacts> = {}): PostFacts => ({
  associationId: X,
  authorMemberId: SOMEONE_ELSE,
  audienceKind: 'association',
  audienceId: null,
  moderationState: 'visible',
  publishedAt: new Date(NOW.getTime() - 60_000),
  withheld: false,
  ...overrides,
});
const ownPost = (viewer: Viewer | null) => post({ authorMemberId: viewer?.memberId ?? SOMEONE_ELSE });
const sees = (overrides: Partial<PostFacts>) => (viewer: Viewer | null) => canSeePost(viewer, audiencesOf(viewer), post(overrides), NOW);
/** What createPost checks, in its order: posting at all, the kind, then the audience. */
const creates = (kind: PostKind, audience: Audience) => (viewer: Viewer | null) => {
  const audiences = audiencesOf(viewer);
  return canCreatePost(viewer, X) && canPostKind(viewer, X, kind) && audiences !== null && canPostTo(audiences, audience);
};

// The operations, in the order of each row's expectations.
const operations: [string, (viewer: Viewer | null) => boolean][] = [
  ['read the feed', (viewer) => canReadPosts(viewer, X)],
  ['see an association post', sees({})],
  ['see a post for building A', sees({ audienceKind: 'building', audienceId: BUILDING_A })],
  ['see a post for building B', sees({ audienceKind: 'building', audienceId: BUILDING_B })],
  ['see a committee post', sees({ audienceKind: 'committee', audienceId: COMMITTEE })],
  ['see a group post', sees({ audienceKind: 'group', audienceId: GROUP })],
  ['see a board-only post', sees({ audienceKind: 'board' })],
  ["see someone's scheduled post", sees({ publishedAt: new Date(NOW.getTime() + 60_000) })],
  ["see someone's hidden post", sees({ moderationState: 'hidden' })],
  ['see a removed post', sees({ moderationState: 'removed' })],
  ['post a bulletin', creates('bulletin', { kind: 'association' })],
  ['post an article', creates('article', { kind: 'association' })],
  ['post news', creates('news', { kind: 'association' })],
  ['post to building A', creates('bulletin', { kind: 'building', id: BUILDING_A })],
  ['post to building B', creates('bulletin', { kind: 'building', id: BUILDING_B })],
  ['post to the board', creates('bulletin', { kind: 'board' })],
  ['mark important', (viewer) => canMarkImportant(viewer, X)],
  ['update own post', (viewer) => canUpdatePost(viewer, ownPost(viewer))],
  ["update someone's post", (viewer) => canUpdatePost(viewer, post())],
  ['delete own post', (viewer) => canDeletePost(viewer, ownPost(viewer))],
  ["delete someone's post", (viewer) => canDeletePost(viewer, post())],
  ['pin', (viewer) => canPinPosts(viewer, X)],
  ["see readers of someone's post", (viewer) => canSeeReach(viewer, post())],
  ['see readers of own post', (viewer) => canSeeReach(viewer, ownPost(viewer))],
];

const T = true;
const F = false;
const nothing = operations.map(() => F);

const matrix: [string, Viewer | null, boolean[]][] = [
  ['anonymous', null, nothing],
  //                                          feed  assoc  A  B  com grp brd sch hid rem bul art nws toA toB toBrd imp updO upd delO del pin rdr rdrO
  ['resident of X, building A, in the group', member(X, 'resident'), [T, T, T, F, F, T, F, F, F, F, T, T, F, T, F, F, F, T, F, T, F, F, F, T]],
  ['board member of X', member(X, 'board'), [T, T, T, T, T, T, T, T, T, T, T, T, T, T, T, T, T, T, F, T, F, T, T, T]],
  ['external of X (caretaker)', member(X, 'external'), [T, T, F, F, F, F, F, F, F, F, F, F, F, F, F, F, F, F, F, T, F, F, F, T]],
  ['board member of another association', member(Y, 'board'), nothing],
  ['integrator API key of X', integratorOf(X), nothing],
  ['platform admin without membership', PLATFORM_ADMIN, nothing],
];

describe('posts access', () => {
  describe.each(matrix)('%s', (_actor, viewer, expected) => {
    it.each(operations.map(([name, allowed], i) => ({ name, allowed, expectation: expected[i] })))('$name: $expectation', ({ allowed, expectation }) =>
      expect(allowed(viewer)).toBe(expectation),
    );
  });

  it('lets the author see their own scheduled and hidden posts, but not a removed one', () => {
    const author = member(X, 'resident');
    const audiences = audiencesOf(author);
    const own = (overrides: Partial<PostFacts>) => canSeePost(author, audiences, post({ authorMemberId: author.memberId, ...overrides }), NOW);
    expect(own({ publishedAt: new Date(NOW.getTime() + 60_000) })).toBe(true);
    expect(own({ moderationState: 'hidden' })).toBe(true);
    expect(own({ moderationState: 'removed' })).toBe(false);
    expect(own({ audienceKind: 'building', audienceId: BUILDING_B })).toBe(true);
  });

  it('shows a post withheld while its author was restricted to its author alone, not the board', () => {
    const author = member(X, 'resident');
    const board = { ...member(X, 'board'), memberId: SOMEONE_ELSE.replace('ff', 'fe') };
    const withheld = post({ authorMemberId: author.memberId, withheld: true });
    expect(canSeePost(author, audiencesOf(author), withheld, NOW)).toBe(true);
    expect(canSeePost(board, audiencesOf(board), withheld, NOW)).toBe(false);
    expect(canSeePost(board, audiencesOf(board), { ...withheld, withheld: false }, NOW)).toBe(true);
  });
});

describe('the viewerCan flags of a post (the mutations refuse by the same rules)', () => {
  const author = memberOf(X, 'resident', { memberId: SOMEONE_ELSE });

  it('lets the author edit and delete a visible post, and not the board, which pins it instead', () => {
    expect([canEditPostNow(author, post(), false), canDeletePostNow(author, post()), canPinPosts(author, X)]).toEqual([true, true, false]);
    const board = member(X, 'board');
    expect([canEditPostNow(board, post(), false), canDeletePostNow(board, post()), canPinPosts(board, X)]).toEqual([false, false, true]);
  });

  it('lets the author delete but not edit a post moderation hid, and neither once it is removed', () => {
    expect([canEditPostNow(author, post({ moderationState: 'hidden' }), false), canDeletePostNow(author, post({ moderationState: 'hidden' }))]).toEqual([
      false,
      true,
    ]);
    expect([canEditPostNow(author, post({ moderationState: 'removed' }), false), canDeletePostNow(author, post({ moderationState: 'removed' }))]).toEqual([
      false,
      false,
    ]);
  });

  it('does not offer editing to an author whose processing is restricted, except a post already withheld (as updatePost)', () => {
    expect(canEditPostNow(author, post(), true)).toBe(false);
    expect(canEditPostNow(author, post({ withheld: true }), true)).toBe(true);
    expect(canDeletePostNow(author, post())).toBe(true);
  });

  it('offers nothing to the same member id in another association', () => {
    const elsewhere = memberOf(Y, 'board', { memberId: SOMEONE_ELSE });
    expect([canEditPostNow(elsewhere, post(), false), canDeletePostNow(elsewhere, post()), canPinPosts(elsewhere, X)]).toEqual([false, false, false]);
  });
});
