import { isMember, operatesIn, type Viewer } from '@tunet/kit';

/**
 * Who may do what with the maintenance plan (docs/decisions/0043). Pure functions: no I/O. Rights come from the
 * board seat and from being a task's responsible person, nothing else: residents, integrations and operators outside
 * a board seat see no task at all (the plan is the board's working tool, not a notice board). An operator in a
 * support session reads the plan as the board does, and changes nothing (decision 0030).
 */

type Task = { associationId: string; responsibleMemberId: string | null };

function inAssociation(viewer: Viewer | null, associationId: string): viewer is Viewer & { memberId: string } {
  return isMember(viewer) && viewer.associationId === associationId;
}

/** Creating, changing and stopping tasks, and reading the whole plan, are the board's. */
export function canManageTasks(viewer: Viewer | null, associationId: string): boolean {
  return inAssociation(viewer, associationId) && viewer.role === 'board';
}

/** The person a task names (the caretaker, a resident volunteer) works on it. */
export function isResponsible(viewer: Viewer | null, task: Task): boolean {
  return inAssociation(viewer, task.associationId) && task.responsibleMemberId !== null && viewer.memberId === task.responsibleMemberId;
}

/** The whole plan: the board, and an operator helping it in a support session. */
export function canReadPlan(viewer: Viewer | null, associationId: string): boolean {
  return canManageTasks(viewer, associationId) || operatesIn(viewer, associationId);
}

export function canSeeTask(viewer: Viewer | null, task: Task): boolean {
  return canReadPlan(viewer, task.associationId) || isResponsible(viewer, task);
}

/** The board and the responsible person complete a round: the board signs off for an absent caretaker. */
export function canCompleteTask(viewer: Viewer | null, task: Task): boolean {
  return canManageTasks(viewer, task.associationId) || isResponsible(viewer, task);
}

/** A list is asked for by those who read the plan (every task) or by a member (the tasks they are responsible for). */
export function canListTasks(viewer: Viewer | null, associationId: string): boolean {
  return inAssociation(viewer, associationId) || canReadPlan(viewer, associationId);
}
