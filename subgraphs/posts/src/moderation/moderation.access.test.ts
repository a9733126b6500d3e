import type { Viewer } from '@tunet/kit';
import type { ModerationState } from '../tables';
import { canModerate, canReport, canSeeModeratedText, canSeeModeration } from './moderation.access';

const X = 'a0000000-0000-4000-8000-00000000000a';
const Y = 'a0000000-0000-4000-8000-00000000000b';
const AUTHOR = 'b0000000-0000-4000-8000-000000000001';
const OTHER = 'b0000000-0000-4000-8000-000000000002';

const member = (associationId: string, role: 'resident' | 'board' | 'external', memberId = OTHER): Viewer => ({
  accountId: 'e0000000-0000-4000-8000-000000000001',
  associationId,
  memberId,
  role,
  platformAdmin: false,
  sessionId: null,
});

const integrator: Viewer = {
  accountId: 'e0000000-0000-4000-8000-000000000003',
  associationId: X,
  memberId: null,
  role: null,
  platformAdmin: false,
  sessionId: null,
  integration: { apiKeyId: 'e0000000-0000-4000-8000-000000000003', scopes: ['members:read', 'members:import'] },
};

const platformAdmin: Viewer = {
  accountId: 'e0000000-0000-4000-8000-000000000002',
  associationId: null,
  memberId: null,
  role: null,
  platformAdmin: true,
  sessionId: null,
};

const content = (moderationState: ModerationState) => ({ associationId: X, authorMemberId: AUTHOR, moderationState });

/**
 * Association X, with content AUTHOR wrote there. report: reportContent; moderate: moderationQueue, moderationCase,
 * moderationLog, moderationSettings, updateModerationSettings, resolveModerationCase, moderateContent;
 * notice: Post/Comment.moderation; hidden: reads the text of hidden content.
 */
const matrix: { actor: string; viewer: Viewer | null; report: boolean; moderate: boolean; notice: boolean; hidden: boolean }[] = [
  { actor: 'anonymous', viewer: null, report: false, moderate: false, notice: false, hidden: false },
  { actor: 'the author, a resident of X', viewer: member(X, 'resident', AUTHOR), report: true, moderate: false, notice: true, hidden: true },
  { actor: 'another resident of X', viewer: member(X, 'resident'), report: true, moderate: false, notice: false, hidden: false },
  { actor: 'a board member of X', viewer: member(X, 'board'), report: true, moderate: true, notice: true, hidden: true },
  { actor: 'an external (caretaker) of X', viewer: member(X, 'external'), report: false, moderate: false, notice: false, hidden: false },
  { actor: 'a board member of another association', viewer: member(Y, 'board'), report: false, moderate: false, notice: false, hidden: false },
  { actor: 'the author id under another association', viewer: member(Y, 'board', AUTHOR), report: false, moderate: false, notice: false, hidden: false },
  { actor: 'an integrator API key of X', viewer: integrator, report: false, moderate: false, notice: false, hidden: false },
  { actor: 'a platform admin without membership', viewer: platformAdmin, report: false, moderate: false, notice: false, hidden: false },
];

describe('moderation access', () => {
  it.each(matrix)('$actor: report $report, moderate $moderate, sees notices $notice, reads hidden text $hidden', (row) => {
    expect(canReport(row.viewer, X)).toBe(row.report);
    expect(canModerate(row.viewer, X)).toBe(row.moderate);
    expect(canSeeModeration(row.viewer, content('hidden'))).toBe(row.notice);
    expect(canSeeModeratedText(row.viewer, content('hidden'))).toBe(row.hidden);
  });

  it.each(matrix)('$actor: reads visible text but never removed text', (row) => {
    expect(canSeeModeratedText(row.viewer, content('visible'))).toBe(true);
    expect(canSeeModeratedText(row.viewer, content('removed'))).toBe(false);
  });
});
