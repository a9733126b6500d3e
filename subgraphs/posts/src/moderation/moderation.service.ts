import { randomUUID } from 'node:crypto';
import {
  admitMember,
  badUserInput,
  conflict,
  decodeCursor,
  isUuid,
  notFound,
  pageSize,
  parseInput,
  toPage,
  type MemberViewer,
  type Announcement,
  type Page,
  type Viewer,
} from '@tunet/kit';
import { z } from 'zod';
import type { CommentsLoaders } from '../comments/comments.loaders';
import type { PostsLoaders } from '../posts/posts.loaders';
import type { ModerationState, ModerationTargetType } from '../tables';
import { canModerate, canReport, canSeeModeratedText, canSeeModeration } from './moderation.access';
import type { ModerationLoaders } from './moderation.loaders';
import type {
  ActionRow,
  CaseRow,
  CaseStatus,
  DecisionPlan,
  ModerationRepository,
  Position,
  ReportPlan,
  ReportRow,
  ReportSituation,
  TargetRow,
} from './moderation.repository';
import { DEFAULT_REPORT_THRESHOLD, hidesOnReport, householdOf, STATE_AFTER, type ContentAction } from './moderation.rules';

/** What the service needs of a request: who asks, and the request's loaders, which scope every read to them. */
export interface ModerationRequest {
  viewer: Viewer | null;
  loaders: PostsLoaders;
  commentLoaders: CommentsLoaders;
  moderationLoaders: ModerationLoaders;
}

/** What moderation did to content, as its author and the board see it. */
export interface ContentModerationView {
  state: ModerationState;
  reason: string | null;
  decidedAt: Date | null;
}

const targetType = z.enum(['POST', 'COMMENT']);
const why = z.string().trim().min(1).max(1_000);
// Malformed ids need no check here: the loaders answer null for them, which becomes NOT_FOUND.
const reportInput = z.object({
  targetType,
  targetId: z.string(),
  reason: z.enum(['OFFENSIVE', 'SPAM', 'ILLEGAL', 'OTHER']),
  note: z
    .string()
    .trim()
    .max(1_000)
    .nullish()
    .transform((note) => note || null),
});
const resolveInput = z.object({
  caseId: z.string(),
  decision: z.enum(['RESTORE', 'REMOVE']),
  reason: why,
  // The members subgraph's limit for a suspension's reason.
  suspendAuthor: z.object({ reason: z.string().trim().min(1).max(500), until: z.iso.date().nullish() }).nullish(),
});
const moderateInput = z.object({ targetType, targetId: z.string(), action: z.enum(['HIDE', 'RESTORE', 'REMOVE']), reason: why });
const settingsInput = z.object({ reportThreshold: z.number().int().min(1).max(20) });

const cursorKey = z.tuple([z.iso.datetime(), z.guid()]);

const NOUN: Record<ModerationTargetType, string> = { POST: 'Post', COMMENT: 'Comment' };

/**
 * Business rules for moderation: members report, enough households hide content pending review, the board
 * decides, every action is logged, and authors are told what happened and why.
 */
export class ModerationService {
  constructor(private readonly repository: ModerationRepository) {}

  /** Reporting again changes nothing and answers with the first report, so a retried request is harmless. */
  async reportContent(request: ModerationRequest, rawInput: unknown): Promise<ReportRow> {
    const reporter = admitMember(request.viewer, canReport);
    const input = parseInput(reportInput, rawInput);
    const target = await this.visibleTarget(request, reporter, input.targetType, input.targetId);
    if (target.authorMemberId === reporter.memberId) throw badUserInput('targetId', 'You cannot report what you wrote yourself.');
    const filed = await this.repository.fileReport(
      reporter.associationId,
      {
        id: randomUUID(),
        targetType: input.targetType,
        targetId: target.id,
        reporterMemberId: reporter.memberId,
        householdId: householdOf(reporter),
        reason: input.reason,
        note: input.note,
      },
      randomUUID(),
      (situation) => planReport(situation, input.reason),
    );
    if (!filed) throw notFound(NOUN[input.targetType]);
    return filed.report;
  }

  async queue(
    request: ModerationRequest,
    status: CaseStatus | null | undefined,
    first: number | null | undefined,
    after: string | null | undefined,
  ): Promise<Page<CaseRow> & { totalCount: number }> {
    const board = admitMember(request.viewer, canModerate);
    const size = pageSize(first);
    const listed = status ?? 'OPEN';
    const [rows, totalCount] = await Promise.all([
      this.repository.listCases(board.associationId, listed, size + 1, after ? positionAfter(after) : null),
      this.repository.countCases(board.associationId, listed),
    ]);
    const page = toPage(rows, size, (row) => [(listed === 'OPEN' ? row.openedAt : row.resolvedAt!).toISOString(), row.id]);
    return { ...page, totalCount };
  }

  async moderationCase(request: ModerationRequest, id: string): Promise<CaseRow> {
    admitMember(request.viewer, canModerate);
    const found = await request.moderationLoaders.caseById.load(id);
    if (!found) throw notFound('Moderation case');
    return found;
  }

  async log(request: ModerationRequest, first: number | null | undefined, after: string | null | undefined): Promise<Page<ActionRow>> {
    const board = admitMember(request.viewer, canModerate);
    const size = pageSize(first);
    const rows = await this.repository.listActions(board.associationId, size + 1, after ? positionAfter(after) : null);
    return toPage(rows, size, (row) => [row.createdAt.toISOString(), row.id]);
  }

  async settings(viewer: Viewer | null): Promise<{ reportThreshold: number }> {
    const board = admitMember(viewer, canModerate);
    return { reportThreshold: (await this.repository.threshold(board.associationId)) ?? DEFAULT_REPORT_THRESHOLD };
  }

  /** A new threshold applies to the next report; content already hidden stays hidden until the board decides. */
  async updateSettings(viewer: Viewer | null, rawInput: unknown): Promise<{ reportThreshold: number }> {
    const board = admitMember(viewer, canModerate);
    const { reportThreshold } = parseInput(settingsInput, rawInput);
    await this.repository.setThreshold(board.associationId, reportThreshold, board.memberId);
    return { reportThreshold };
  }

  /**
   * Restores or removes the content of an open case and, with REMOVE, may have its author suspended: posts owns no
   * members, so it asks the members subgraph through `moderation.suspension_requested` in the same transaction.
   */
  async resolveCase(request: ModerationRequest, rawInput: unknown): Promise<CaseRow> {
    const board = admitMember(request.viewer, canModerate);
    const input = parseInput(resolveInput, rawInput);
    const suspension = input.suspendAuthor ?? null;
    if (suspension && input.decision !== 'REMOVE') {
      throw badUserInput('suspendAuthor', 'suspendAuthor: only the author of removed content can be suspended.');
    }
    const found = await this.moderationCase(request, input.caseId);
    const decided = await this.repository.decide(board.associationId, found.targetType, found.targetId, ({ target, openCase }) => {
      if (openCase?.id !== found.id) throw conflict('The case was already resolved.');
      if (suspension && target.authorMemberId === board.memberId) throw badUserInput('suspendAuthor', 'suspendAuthor: you cannot suspend yourself.');
      const plan = planAction(board, target, found.id, input.decision, input.reason);
      plan.resolve = { caseId: found.id, decision: input.decision, byMemberId: board.memberId };
      if (suspension) {
        plan.actions.push({
          ...logEntry(board, target, found.id, 'SUSPEND_AUTHOR', suspension.reason),
          suspendedUntil: suspension.until ?? null,
        });
        plan.events.push({
          topic: 'moderation.suspension_requested',
          payload: {
            associationId: board.associationId,
            memberId: target.authorMemberId,
            reason: suspension.reason,
            until: suspension.until ?? null,
            requestedByMemberId: board.memberId,
            caseId: found.id,
          },
        });
      }
      return plan;
    });
    // The case names a target that the retention job has purged since the case was loaded.
    if (!decided?.resolved) throw notFound('Moderation case');
    return decided.resolved;
  }

  /** The board acts without reports; RESTORE and REMOVE settle an open case on the content as well. */
  async moderateContent(request: ModerationRequest, rawInput: unknown): Promise<{ action: ActionRow; state: ModerationState }> {
    const board = admitMember(request.viewer, canModerate);
    const input = parseInput(moderateInput, rawInput);
    const noun = NOUN[input.targetType];
    if (!isUuid(input.targetId)) throw notFound(noun);
    const state = STATE_AFTER[input.action];
    const decided = await this.repository.decide(board.associationId, input.targetType, input.targetId, ({ target, openCase }) => {
      if (target.state === state) throw conflict(`The ${noun.toLowerCase()} is already ${state}.`);
      const plan = planAction(board, target, openCase?.id ?? null, input.action, input.reason);
      if (openCase && input.action !== 'HIDE') plan.resolve = { caseId: openCase.id, decision: input.action, byMemberId: board.memberId };
      return plan;
    });
    if (!decided) throw notFound(noun);
    return { action: decided.actions[0]!, state };
  }

  /** Null for anyone but the author and the board. */
  async moderationOf(
    request: ModerationRequest,
    type: ModerationTargetType,
    content: { id: string; associationId: string; authorMemberId: string; moderationState: ModerationState; moderatedAt: Date | null },
  ): Promise<ContentModerationView | null> {
    if (!canSeeModeration(request.viewer, content)) return null;
    const loaders = type === 'POST' ? request.moderationLoaders.posts : request.moderationLoaders.comments;
    const latest = await loaders.latestDecision.load(content.id);
    return { state: content.moderationState, reason: latest?.reason ?? null, decidedAt: content.moderatedAt };
  }

  /** The content a case is about, for the board; null once the retention job purged it. */
  target(request: ModerationRequest, found: CaseRow): Promise<TargetRow | null> {
    const loaders = found.targetType === 'POST' ? request.moderationLoaders.posts : request.moderationLoaders.comments;
    return loaders.target.load(found.targetId);
  }

  /** The target as the viewer sees it: NOT_FOUND for what they cannot read, nor its text. */
  private async visibleTarget(
    request: ModerationRequest,
    viewer: MemberViewer,
    type: ModerationTargetType,
    id: string,
  ): Promise<{ id: string; authorMemberId: string }> {
    if (type === 'POST') {
      const post = await request.loaders.postById.load(id);
      if (!post || !canSeeModeratedText(viewer, post)) throw notFound('Post');
      return post;
    }
    const comment = await request.commentLoaders.commentById.load(id);
    if (!comment || comment.deletedAt || !canSeeModeratedText(viewer, comment)) throw notFound('Comment');
    // The comment is only as visible as its post (the post's audience, its own moderation).
    const post = await request.loaders.postById.load(comment.postId);
    if (!post || !canSeeModeratedText(viewer, post)) throw notFound('Comment');
    return comment;
  }
}

/** A report hides the content once enough households reported it; the board hears of every report. */
function planReport({ target, moderationCase, householdCount, threshold }: ReportSituation, reason: z.output<typeof reportInput>['reason']): ReportPlan {
  const hides = hidesOnReport(householdCount, threshold ?? DEFAULT_REPORT_THRESHOLD, target.state);
  const why = `Reported by ${householdCount} household${householdCount === 1 ? '' : 's'}; hidden until the board has reviewed it.`;
  const events: Announcement[] = [
    {
      topic: 'content.reported',
      payload: {
        caseId: moderationCase.id,
        targetType: target.type,
        targetId: target.id,
        reason,
        householdCount,
        hidden: hides || target.state === 'hidden',
      },
    },
  ];
  if (hides) events.push(noticeToAuthor(target, null, moderationCase.id, 'HIDE', why));
  return {
    hide: hides ? { ...logEntry(null, target, moderationCase.id, 'HIDE', why), suspendedUntil: null } : null,
    events,
  };
}

/** Sets the state, logs the action, and tells the author when their content changes. */
function planAction(board: MemberViewer, target: TargetRow, caseId: string | null, action: ContentAction, reason: string): DecisionPlan {
  if (action === 'RESTORE' && target.deleted) throw conflict('Its author deleted it, so it cannot be restored.');
  const state = STATE_AFTER[action];
  return {
    state,
    resolve: null,
    actions: [{ ...logEntry(board, target, caseId, action, reason), suspendedUntil: null }],
    events: state === target.state ? [] : [noticeToAuthor(target, board, caseId, action, reason)],
  };
}

function logEntry(actor: MemberViewer | null, target: TargetRow, caseId: string | null, action: ActionRow['action'], reason: string) {
  return { id: randomUUID(), caseId, targetType: target.type, targetId: target.id, action, reason, actorMemberId: actor?.memberId ?? null };
}

/** `content.moderated`, for the notifications subgraph to tell the author; a board member acting on their own content is not told. */
function noticeToAuthor(target: TargetRow, actor: MemberViewer | null, caseId: string | null, action: ContentAction, reason: string): Announcement {
  return {
    topic: 'content.moderated',
    payload: {
      recipients: actor?.memberId === target.authorMemberId ? [] : [target.authorMemberId],
      action,
      reason,
      targetType: target.type,
      targetId: target.id,
      postId: target.postId,
      caseId,
    },
  };
}

function positionAfter(cursor: string): Position {
  const [at, id] = decodeCursor(cursor, cursorKey);
  return { at: new Date(at), id };
}
