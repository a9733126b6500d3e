import type { Viewer } from '@tunet/kit';
import { viewerIn } from '@tunet/kit/src/kit.fixtures';
import { canReadPrivacySettings, canReadProcessingRecords } from './settings.access';

const A = '00000000-0000-4000-8000-00000000000a';
const B = '00000000-0000-4000-8000-00000000000b';
const operator = (associationId: string | null, support: boolean): Viewer => ({
  accountId: '00000000-0000-4000-8000-0000000000ff',
  associationId,
  memberId: null,
  role: null,
  platformAdmin: true,
  sessionId: null,
  scope: { unitIds: [], buildingIds: [], committeeIds: [] },
  support: support ? { expiresAt: '2026-12-31T00:00:00Z' } : null,
});

describe('privacy settings and records access', () => {
  it('lets an operator read them only in an open support session for the association (decision 0030)', () => {
    for (const can of [canReadPrivacySettings, canReadProcessingRecords]) {
      expect(can(operator(null, false), A)).toBe(false);
      expect(can(operator(A, false), A)).toBe(false);
      expect(can(operator(B, true), A)).toBe(false);
      expect(can(operator(A, true), A)).toBe(true);
    }
  });

  it('lets every member read the settings and the board the records', () => {
    expect(canReadPrivacySettings(viewerIn(A), A)).toBe(true);
    expect(canReadProcessingRecords(viewerIn(A), A)).toBe(false);
    expect(canReadProcessingRecords(viewerIn(A, 'board'), A)).toBe(true);
    expect(canReadPrivacySettings(viewerIn(B), A)).toBe(false);
  });
});
