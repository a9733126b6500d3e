import { randomUUID } from 'node:crypto';
import type { Viewer } from '@tunet/kit';
import { canComment, canReadComment, visibleCommentKinds, type Discussed } from './comments.access';
import { checkCommentBody, COMMENT_BODY_MAX } from './comments.rules';

const A = randomUUID();
const B = randomUUID();
const reporter = randomUUID();
const caretaker = randomUUID();
const request: Discussed = { associationId: A, reporterMemberId: reporter, assigneeMemberId: caretaker };

function member(role: Viewer['role'], memberId: string = randomUUID(), associationId = A): Viewer {
  return { accountId: randomUUID(), associationId, memberId, role, platformAdmin: false, sessionId: randomUUID() };
}
const operator: Viewer = {
  accountId: randomUUID(),
  associationId: A,
  memberId: null,
  role: null,
  platformAdmin: true,
  sessionId: randomUUID(),
  support: { expiresAt: new Date(Date.now() + 3_600_000).toISOString() },
};
const integrator: Viewer = {
  accountId: randomUUID(),
  associationId: A,
  memberId: null,
  role: null,
  platformAdmin: false,
  sessionId: null,
  integration: { apiKeyId: randomUUID(), scopes: ['members:read'] },
};

/** Each actor: what they read, and which kinds they may write. */
const MATRIX: [string, Viewer | null, string[], string[]][] = [
  ['the reporter', member('resident', reporter), ['public'], ['public']],
  ['the board', member('board'), ['public', 'internal'], ['public', 'internal']],
  ['the assignee', member('external', caretaker), ['public', 'internal'], ['public', 'internal']],
  ['another caretaker', member('external'), [], []],
  ['a neighbour', member('resident'), [], []],
  ['the reporter as a member of another association', member('resident', reporter, B), [], []],
  ["another association's board", member('board', randomUUID(), B), [], []],
  ['an operator in a support session', operator, ['public', 'internal'], []],
  ['an integrator', integrator, [], []],
  ['anonymous', null, [], []],
];

describe('comment visibility', () => {
  it.each(MATRIX)('%s reads %j and writes %j', (_who, viewer, reads, writes) => {
    expect(visibleCommentKinds(viewer, request)).toEqual(reads);
    expect((['public', 'internal'] as const).filter((kind) => canReadComment(viewer, request, kind))).toEqual(reads);
    expect((['public', 'internal'] as const).filter((kind) => canComment(viewer, request, kind))).toEqual(writes);
  });

  it('an unassigned request: the board handles it, no caretaker reads its internal comments', () => {
    const unassigned = { ...request, assigneeMemberId: null };
    expect(visibleCommentKinds(member('external', caretaker), unassigned)).toEqual([]);
    expect(visibleCommentKinds(member('board'), unassigned)).toEqual(['public', 'internal']);
  });

  it('a reporter who sits on the board reads internal comments as the board', () => {
    expect(visibleCommentKinds(member('board', reporter), request)).toEqual(['public', 'internal']);
  });
});

describe('comment text', () => {
  it('is trimmed, and refused when empty or too long', () => {
    expect(checkCommentBody('  Lekker fortsatt under vasken.  ')).toBe('Lekker fortsatt under vasken.');
    for (const body of ['', '   \n', 'x'.repeat(COMMENT_BODY_MAX + 1)]) {
      expect(() => checkCommentBody(body)).toThrow(expect.objectContaining({ extensions: expect.objectContaining({ code: 'BAD_USER_INPUT', field: 'body' }) }));
    }
    expect(checkCommentBody('x'.repeat(COMMENT_BODY_MAX))).toHaveLength(COMMENT_BODY_MAX);
  });
});
