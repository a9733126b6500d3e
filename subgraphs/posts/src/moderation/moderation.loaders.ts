import DataLoader from 'dataloader';
import { alignToKeys, groupLoader, isUuid, tenantLoader, type Viewer } from '@tunet/kit';
import type { ModerationTargetType } from '../tables';
import { canModerate } from './moderation.access';
import type { ActionRow, CaseRow, ModerationRepository, ReportRow, TargetRow } from './moderation.repository';

/** Per-target-type loaders, so keys stay plain ids. */
export interface TargetLoaders {
  target: DataLoader<string, TargetRow | null>;
  /** The latest action that changed the target's state; null if none did. */
  latestDecision: DataLoader<string, ActionRow | null>;
}

export interface ModerationLoaders {
  /** Cases of the viewer's association, for the board only; anything else loads as null. */
  caseById: DataLoader<string, CaseRow | null>;
  reportsByCase: DataLoader<string, ReportRow[]>;
  actionsByCase: DataLoader<string, ActionRow[]>;
  posts: TargetLoaders;
  comments: TargetLoaders;
}

/**
 * Per-request loaders: a page of the queue costs one query per field however many cases it holds. Cases, reports
 * and targets are the board's; the latest decision is read by authors too, and its resolver decides who sees it.
 */
export function createModerationLoaders(repository: ModerationRepository, viewer: Viewer | null): ModerationLoaders {
  const board = viewer?.associationId && canModerate(viewer, viewer.associationId) ? viewer : null;
  return {
    caseById: tenantLoader(board, (tenant, ids) => repository.findCases(tenant, ids)),
    reportsByCase: groupLoader(
      board,
      (tenant, ids) => repository.findReports(tenant, ids),
      (row) => row.caseId,
    ),
    actionsByCase: groupLoader(
      board,
      (tenant, ids) => repository.findCaseActions(tenant, ids),
      (row) => row.caseId ?? '',
    ),
    posts: targetLoaders(repository, board, viewer, 'POST'),
    comments: targetLoaders(repository, board, viewer, 'COMMENT'),
  };
}

function targetLoaders(repository: ModerationRepository, board: Viewer | null, viewer: Viewer | null, type: ModerationTargetType): TargetLoaders {
  return {
    target: tenantLoader(board, (tenant, ids) => repository.findTargets(tenant, type, ids)),
    latestDecision: byId(
      viewer,
      (tenant, ids) => repository.findLatestDecisions(tenant, type, ids),
      (row) => row.targetId,
    ),
  };
}

/** Like the kit's tenantLoader, for rows found by another column than their id. */
function byId<T>(viewer: Viewer | null, find: (tenant: string, ids: string[]) => Promise<T[]>, idOf: (row: T) => string): DataLoader<string, T | null> {
  return new DataLoader(async (ids) => {
    const wellFormed = ids.filter(isUuid);
    if (!viewer?.associationId || wellFormed.length === 0) return ids.map(() => null);
    return alignToKeys(ids, await find(viewer.associationId, wellFormed), idOf);
  });
}
