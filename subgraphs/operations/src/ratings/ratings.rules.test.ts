import { randomUUID } from 'node:crypto';
import type { Viewer } from '@tunet/kit';
import type { ServiceRequestStatus } from '../tables';
import { canRate, checkRating, isRateable, RATING_COMMENT_MAX } from './ratings.rules';

const A = randomUUID();
const reporter = randomUUID();
const member = (role: Viewer['role'], memberId: string = randomUUID(), associationId = A): Viewer => ({
  accountId: randomUUID(),
  associationId,
  memberId,
  role,
  platformAdmin: false,
  sessionId: randomUUID(),
});

describe('rating', () => {
  it('only the reporter rates, in their association', () => {
    const request = { associationId: A, reporterMemberId: reporter, status: 'resolved' as const };
    expect(canRate(member('resident', reporter), request)).toBe(true);
    expect(canRate(member('board'), request)).toBe(false);
    expect(canRate(member('external'), request)).toBe(false);
    expect(canRate(member('resident', reporter, randomUUID()), request)).toBe(false);
    expect(canRate(null, request)).toBe(false);
  });

  it('rates resolved and closed requests only', () => {
    const every: ServiceRequestStatus[] = ['new', 'acknowledged', 'in_progress', 'waiting', 'resolved', 'closed', 'rejected'];
    expect(every.filter(isRateable)).toEqual(['resolved', 'closed']);
  });

  it('takes a whole score from 1 to 5 and an optional comment', () => {
    expect(checkRating({ score: 5, comment: '  Rask og ryddig!  ' })).toEqual({ score: 5, comment: 'Rask og ryddig!' });
    expect(checkRating({ score: 1, comment: ' ' })).toEqual({ score: 1, comment: null });
    expect(checkRating({ score: 3 })).toEqual({ score: 3, comment: null });
    for (const score of [0, 6, 2.5, -1, Number.NaN]) {
      expect(() => checkRating({ score })).toThrow(expect.objectContaining({ extensions: expect.objectContaining({ field: 'score' }) }));
    }
    expect(() => checkRating({ score: 4, comment: 'x'.repeat(RATING_COMMENT_MAX + 1) })).toThrow(
      expect.objectContaining({ extensions: expect.objectContaining({ code: 'BAD_USER_INPUT', field: 'comment' }) }),
    );
  });
});
