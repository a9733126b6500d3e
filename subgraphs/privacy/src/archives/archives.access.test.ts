import type { Viewer } from '@tunet/kit';
import { canDownloadArchive, canSeeArchive } from './archives.access';

const A = '11111111-1111-4111-8111-111111111111';
const B = '99999999-9999-4999-8999-999999999999';
const PERSON = '22222222-2222-4222-8222-222222222222';
const BOARD = '33333333-3333-4333-8333-333333333333';
const OTHER_BOARD = '44444444-4444-4444-8444-444444444444';

function member(associationId: string, memberId: string, role: 'resident' | 'board'): Viewer {
  return { accountId: memberId, associationId, memberId, role, platformAdmin: false, sessionId: null };
}

describe('who may download an export archive', () => {
  const archive = { associationId: A, memberId: PERSON, requestedBy: BOARD };

  it('the person only: not the board member who asked, nor another', () => {
    expect(canDownloadArchive(member(A, PERSON, 'resident'), archive)).toBe(true);
    expect(canDownloadArchive(member(A, BOARD, 'board'), archive)).toBe(false);
    expect(canDownloadArchive(member(A, OTHER_BOARD, 'board'), archive)).toBe(false);
  });

  it('the board sees that it is there, another resident does not', () => {
    expect(canSeeArchive(member(A, PERSON, 'resident'), archive)).toBe(true);
    expect(canSeeArchive(member(A, OTHER_BOARD, 'board'), archive)).toBe(true);
    expect(canSeeArchive(member(A, BOARD, 'resident'), archive)).toBe(false);
    expect(canSeeArchive(member(B, OTHER_BOARD, 'board'), archive)).toBe(false);
  });

  it('not the same member id in another association, nor nobody', () => {
    expect(canDownloadArchive(member(B, PERSON, 'resident'), archive)).toBe(false);
    expect(canDownloadArchive(null, archive)).toBe(false);
  });

  it('not an operator in a support session or an integrator, who are no member', () => {
    const support: Viewer = { ...member(A, PERSON, 'board'), memberId: null, role: null, platformAdmin: true, support: { expiresAt: '2026-03-01T11:00:00Z' } };
    const integrator: Viewer = { ...member(A, PERSON, 'board'), memberId: null, role: null, integration: { apiKeyId: BOARD, scopes: [] } };
    expect(canDownloadArchive(support, archive)).toBe(false);
    expect(canDownloadArchive(integrator, archive)).toBe(false);
    expect(canSeeArchive(support, archive)).toBe(false);
    expect(canSeeArchive(integrator, archive)).toBe(false);
  });
});
