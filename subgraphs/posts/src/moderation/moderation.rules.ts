import type { MemberViewer } from '@tunet/kit';
import type { ModerationDecision, ModerationState } from '../tables';

/** Moderation's rules that need no I/O: households, the threshold, excerpts and states. */

/** Until the board changes it, reports from this many households hide content. */
export const DEFAULT_REPORT_THRESHOLD = 3;

/**
 * The household a report counts for: the reporter's unit, so a family cannot hide a neighbour's post on its own.
 * With several units (moving between two) the smallest id, so the answer is stable; without one, the member alone.
 */
export function householdOf(viewer: MemberViewer): string {
  const [first] = [...(viewer.scope?.unitIds ?? [])].sort();
  return first ?? viewer.memberId;
}

/** Whether a report hides the content: enough households, and nothing else has hidden or removed it already. */
export function hidesOnReport(householdCount: number, threshold: number, state: ModerationState): boolean {
  return state === 'visible' && householdCount >= threshold;
}

export type ContentAction = 'HIDE' | ModerationDecision;

export const STATE_AFTER: Record<ContentAction, ModerationState> = { HIDE: 'hidden', RESTORE: 'visible', REMOVE: 'removed' };

const EXCERPT_LENGTH = 200;

/** The start of the text the board reviews, on one line; null when its author deleted it. */
export function excerptOf(content: { title: string | null; body: string | null }): string | null {
  if (content.body === null) return null;
  const text = [content.title, content.body].filter(Boolean).join(': ').replace(/\s+/g, ' ').trim();
  return text.length <= EXCERPT_LENGTH ? text : `${text.slice(0, EXCERPT_LENGTH - 1).trimEnd()}…`;
}
