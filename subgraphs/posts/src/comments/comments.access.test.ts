import type { Viewer } from '@tunet/kit';
import { ASSOCIATION_X as X, ASSOCIATION_Y as Y, memberOf, PLATFORM_ADMIN } from '../posts.fixtures';
import { canComment, canDeleteComment, canEditComment, canReact, canReadCommentText, canReadComments } from './comments.access';

// Not the member `memberOf` describes unless given an id, so the other members are not the author.
const AUTHOR = 'b0000000-0000-4000-8000-000000000002';

const comment = { associationId: X, authorMemberId: AUTHOR };

// What each actor may do with comments in association X, and with a comment written there by AUTHOR.
const matrix: { actor: string; viewer: Viewer | null; read: boolean; comment: boolean; edit: boolean; del: boolean }[] = [
  { actor: 'anonymous', viewer: null, read: false, comment: false, edit: false, del: false },
  { actor: 'the author, a resident of X', viewer: memberOf(X, 'resident', { memberId: AUTHOR }), read: true, comment: true, edit: true, del: true },
  { actor: 'another resident of X', viewer: memberOf(X, 'resident'), read: true, comment: true, edit: false, del: false },
  { actor: 'a board member of X', viewer: memberOf(X, 'board'), read: true, comment: true, edit: false, del: false },
  { actor: 'the author, now an external of X', viewer: memberOf(X, 'external', { memberId: AUTHOR }), read: true, comment: false, edit: false, del: true },
  { actor: 'an external of X', viewer: memberOf(X, 'external'), read: true, comment: false, edit: false, del: false },
  { actor: 'a board member of another association', viewer: memberOf(Y, 'board'), read: false, comment: false, edit: false, del: false },
  {
    actor: 'the author id under another association',
    viewer: memberOf(Y, 'board', { memberId: AUTHOR }),
    read: false,
    comment: false,
    edit: false,
    del: false,
  },
  { actor: 'a platform admin without membership', viewer: PLATFORM_ADMIN, read: false, comment: false, edit: false, del: false },
];

describe('comments access', () => {
  it.each(matrix)('$actor: read $read, comment $comment, edit $edit, delete $del', (row) => {
    expect(canReadComments(row.viewer, X)).toBe(row.read);
    expect(canComment(row.viewer, X)).toBe(row.comment);
    expect(canReact(row.viewer, X)).toBe(row.comment);
    expect(canEditComment(row.viewer, comment)).toBe(row.edit);
    expect(canDeleteComment(row.viewer, comment)).toBe(row.del);
  });
});

describe('comment text under moderation', () => {
  const text = (moderationState: 'visible' | 'hidden' | 'removed', deletedAt: Date | null = null) => ({ ...comment, moderationState, deletedAt });
  // Who reads the text of AUTHOR's comment in X while it is hidden pending review.
  const hidden: { actor: string; viewer: Viewer | null; reads: boolean }[] = [
    { actor: 'anonymous', viewer: null, reads: false },
    { actor: 'the author', viewer: memberOf(X, 'resident', { memberId: AUTHOR }), reads: true },
    { actor: 'another resident of X', viewer: memberOf(X, 'resident'), reads: false },
    { actor: 'a board member of X', viewer: memberOf(X, 'board'), reads: true },
    { actor: 'an external of X', viewer: memberOf(X, 'external'), reads: false },
    { actor: 'a board member of another association', viewer: memberOf(Y, 'board'), reads: false },
    { actor: 'a platform admin without membership', viewer: PLATFORM_ADMIN, reads: false },
  ];

  it.each(hidden)('$actor: reads a hidden comment $reads', ({ viewer, reads }) => {
    expect(canReadCommentText(viewer, text('hidden'))).toBe(reads);
  });

  it('shows nobody a removed or deleted comment, and everyone a visible one', () => {
    for (const { viewer } of hidden) {
      expect(canReadCommentText(viewer, text('removed'))).toBe(false);
      expect(canReadCommentText(viewer, text('visible', new Date()))).toBe(false);
      expect(canReadCommentText(viewer, text('visible'))).toBe(true);
    }
  });
});
