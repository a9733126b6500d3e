import type { Viewer } from '@tunet/kit';
import { ASSOCIATION_X as X, ASSOCIATION_Y as Y, memberOf, PLATFORM_ADMIN } from '../posts.fixtures';
import {
  canComment,
  canDeleteComment,
  canDeleteCommentNow,
  canEditComment,
  canEditCommentNow,
  canReact,
  canReadCommentText,
  canReadComments,
  canReplyTo,
} from './comments.access';

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

describe('the viewerCan flags of a comment (the mutations refuse by the same rules)', () => {
  const author = memberOf(X, 'resident', { memberId: AUTHOR });
  const live = { ...comment, parentId: null, deletedAt: null, moderationState: 'visible' as const, withheld: false };

  it('lets the author edit and delete a live comment, and nobody else', () => {
    expect([canEditCommentNow(author, live, false), canDeleteCommentNow(author, live)]).toEqual([true, true]);
    expect([canEditCommentNow(memberOf(X, 'board'), live, false), canDeleteCommentNow(memberOf(X, 'board'), live)]).toEqual([false, false]);
  });

  it('lets nobody edit a comment moderation hid or removed, which the board reviews as it was reported', () => {
    expect(canEditCommentNow(author, { ...live, moderationState: 'hidden' }, false)).toBe(false);
    expect(canEditCommentNow(author, { ...live, moderationState: 'removed' }, false)).toBe(false);
    expect(canDeleteCommentNow(author, { ...live, moderationState: 'hidden' })).toBe(true);
  });

  it('does not offer editing to an author whose processing is restricted, except a comment already withheld (as editComment)', () => {
    expect(canEditCommentNow(author, live, true)).toBe(false);
    expect(canEditCommentNow(author, { ...live, withheld: true }, true)).toBe(true);
  });

  it('offers neither once the comment is deleted', () => {
    const deleted = { ...live, deletedAt: new Date('2026-04-25T12:00:00Z') };
    expect([canEditCommentNow(author, deleted, false), canDeleteCommentNow(author, deleted), canReplyTo(author, deleted)]).toEqual([false, false, false]);
  });

  it('offers a reply under a live top-level comment to residents and the board only', () => {
    expect(canReplyTo(memberOf(X, 'resident'), live)).toBe(true);
    expect(canReplyTo(memberOf(X, 'board'), live)).toBe(true);
    expect(canReplyTo(memberOf(X, 'external'), live)).toBe(false);
    expect(canReplyTo(memberOf(Y, 'board'), live)).toBe(false);
    expect(canReplyTo(memberOf(X, 'resident'), { ...live, parentId: 'c0000000-0000-4000-8000-000000000001' })).toBe(false);
    expect(canReplyTo(memberOf(X, 'resident'), { ...live, moderationState: 'hidden' })).toBe(false);
  });
});
