import type { Viewer } from '@tunet/kit';
import type { ModerationState } from '../tables';
import { ASSOCIATION_X as X, ASSOCIATION_Y as Y, integratorOf, memberOf, PLATFORM_ADMIN } from '../posts.fixtures';
import { canModerate, canReport, canSeeModeratedText, canSeeModeration } from './moderation.access';

// Not the member `memberOf` describes unless given an id, so the other members are not the author.
const AUTHOR = 'b0000000-0000-4000-8000-000000000002';

const content = (moderationState: ModerationState) => ({ associationId: X, authorMemberId: AUTHOR, moderationState });

/**
 * Association X, with content AUTHOR wrote there. report: reportContent; moderate: moderationQueue, moderationCase,
 * moderationLog, moderationSettings, updateModerationSettings, resolveModerationCase, moderateContent;
 * notice: Post/Comment.moderation; hidden: reads the text of hidden content.
 */
const matrix: { actor: string; viewer: Viewer | null; report: boolean; moderate: boolean; notice: boolean; hidden: boolean }[] = [
  { actor: 'anonymous', viewer: null, report: false, moderate: false, notice: false, hidden: false },
  { actor: 'the author, a resident of X', viewer: memberOf(X, 'resident', { memberId: AUTHOR }), report: true, moderate: false, notice: true, hidden: true },
  { actor: 'another resident of X', viewer: memberOf(X, 'resident'), report: true, moderate: false, notice: false, hidden: false },
  { actor: 'a board member of X', viewer: memberOf(X, 'board'), report: true, moderate: true, notice: true, hidden: true },
  { actor: 'an external (caretaker) of X', viewer: memberOf(X, 'external'), report: false, moderate: false, notice: false, hidden: false },
  { actor: 'a board member of another association', viewer: memberOf(Y, 'board'), report: false, moderate: false, notice: false, hidden: false },
  {
    actor: 'the author id under another association',
    viewer: memberOf(Y, 'board', { memberId: AUTHOR }),
    report: false,
    moderate: false,
    notice: false,
    hidden: false,
  },
  { actor: 'an integrator API key of X', viewer: integratorOf(X), report: false, moderate: false, notice: false, hidden: false },
  { actor: 'a platform admin without membership', viewer: PLATFORM_ADMIN, report: false, moderate: false, notice: false, hidden: false },
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
