import { badUserInput, conflict, forbidden, isUuid, notFound, type MemberRoles, type RequestContext, type Viewer } from '@tunet/kit';
import type { MaintenanceLoaders } from './maintenance.loaders';
import { admittedAssociation } from '../service-requests/service-requests.service';
import { canCompleteTask, canListTasks, canManageTasks, canReadPlan, canSeeTask } from './maintenance.access';
import type { MaintenanceRepository, PlannedTask, TaskChanges } from './maintenance.repository';
import {
  answersRefusal,
  checklistRefusal,
  descriptionRefusal,
  nextOccurrence,
  occurrenceAt,
  scheduleRefusal,
  titleRefusal,
  type ChecklistAnswer,
  type FieldRefusal,
  type Recurrence,
  type Schedule,
} from './maintenance.rules';
import type { MaintenanceOccurrenceRow, MaintenanceTaskRow } from './maintenance.tables';

/** Far more tasks than any association plans; keeps one board from filling the table (and every plan read). */
export const MAX_ACTIVE_TASKS = 300;
/** Completed rounds shown per task, newest first. */
export const HISTORY_LIMIT = 50;

export interface NewTaskInput {
  title: string;
  description?: string | null;
  checklist?: readonly string[] | null;
  recurrence: Recurrence;
  intervalMonths?: number | null;
  firstDueOn: string;
  dueTime: string;
  responsibleMemberId?: string | null;
}

export interface TaskChangesInput {
  id: string;
  title?: string | null;
  description?: string | null;
  checklist?: readonly string[] | null;
  /** Null takes the task back to the board; absent leaves it. */
  responsibleMemberId?: string | null;
}

export interface CompletionInput {
  occurrenceId: string;
  answers: readonly ChecklistAnswer[];
  note?: string | null;
}

/** A completed round and its task, whose open round is the one the completion created. */
export interface CompletedRound {
  round: MaintenanceOccurrenceRow;
  task: PlannedTask;
}

/** The association's IANA time zone from members; null for an id that is no association. */
export type TimeZoneOf = (associationId: string) => Promise<string | null>;

const refused = (refusal: FieldRefusal | null): void => {
  if (refusal) throw badUserInput(refusal.field, refusal.reason);
};

/**
 * The maintenance plan (docs/decisions/0043): the board sets up recurring tasks, the responsible person and the
 * board complete their rounds, and each completion creates the next round in the same transaction.
 */
export class MaintenanceService {
  private readonly now: () => Date;

  constructor(
    private readonly repository: MaintenanceRepository,
    private readonly members: MemberRoles,
    private readonly timeZoneOf: TimeZoneOf,
    now?: () => Date,
  ) {
    this.now = now ?? (() => new Date());
  }

  /** The service's clock: what `overdue` is measured against. */
  clock(): Date {
    return this.now();
  }

  async create(request: RequestContext, input: NewTaskInput): Promise<PlannedTask> {
    const associationId = this.managed(request);
    const now = this.now();
    const timeZone = await this.timeZoneOf(associationId);
    if (!timeZone) throw notFound('Association');
    const schedule: Schedule = {
      recurrence: input.recurrence,
      intervalMonths: input.intervalMonths ?? null,
      anchorOn: input.firstDueOn,
      dueTime: input.dueTime,
      timeZone,
    };
    const description = blankToNull(input.description);
    const checklist = (input.checklist ?? []).map((item) => item.trim());
    refused(titleRefusal(input.title) ?? descriptionRefusal(description) ?? checklistRefusal(checklist) ?? scheduleRefusal(schedule, now));
    const responsibleMemberId = input.responsibleMemberId ?? null;
    await this.checkResponsible(associationId, responsibleMemberId);
    if ((await this.repository.countActive(associationId)) >= MAX_ACTIVE_TASKS) {
      throw badUserInput('title', `A maintenance plan holds at most ${MAX_ACTIVE_TASKS} tasks; archive the ones no longer done.`);
    }
    const task = {
      associationId,
      title: input.title.trim(),
      description,
      checklist,
      recurrence: schedule.recurrence,
      intervalMonths: schedule.intervalMonths,
      anchorOn: schedule.anchorOn,
      dueTime: schedule.dueTime,
      timeZone,
      responsibleMemberId,
      createdByMemberId: request.viewer!.memberId,
    };
    return this.repository.create(task, occurrenceAt(schedule, 0), now);
  }

  async update(request: RequestContext, input: TaskChangesInput): Promise<PlannedTask> {
    const associationId = this.managed(request);
    const changes: TaskChanges = {};
    if (input.title !== undefined && input.title !== null) {
      refused(titleRefusal(input.title));
      changes.title = input.title.trim();
    }
    if (input.description !== undefined) {
      changes.description = blankToNull(input.description);
      refused(descriptionRefusal(changes.description));
    }
    if (input.checklist !== undefined && input.checklist !== null) {
      changes.checklist = input.checklist.map((item) => item.trim());
      refused(checklistRefusal(changes.checklist));
    }
    if (input.responsibleMemberId !== undefined) {
      await this.checkResponsible(associationId, input.responsibleMemberId);
      changes.responsibleMemberId = input.responsibleMemberId;
    }
    if (!isUuid(input.id) || !(await this.repository.update(associationId, input.id, changes, this.now()))) throw notFound('Maintenance task');
    return (await this.repository.find(associationId, input.id))!;
  }

  async archive(request: RequestContext, id: string): Promise<PlannedTask> {
    const associationId = this.managed(request);
    if (!isUuid(id) || !(await this.repository.archive(associationId, id, this.now()))) throw notFound('Maintenance task');
    return (await this.repository.find(associationId, id))!;
  }

  /** The board's whole plan, or the tasks the viewer is responsible for. */
  async list(request: RequestContext, includeArchived: boolean): Promise<PlannedTask[]> {
    const associationId = admittedAssociation(request);
    const viewer = request.viewer;
    if (!canListTasks(viewer, associationId)) throw forbidden('The maintenance plan is for the association’s members.');
    if (canReadPlan(viewer, associationId)) return this.repository.list(associationId, { includeArchived });
    return this.repository.list(associationId, { includeArchived, responsibleMemberId: viewer!.memberId! });
  }

  /** One task the viewer may see; NOT_FOUND otherwise, another association's id included. */
  async get(request: RequestContext, id: string): Promise<PlannedTask> {
    const associationId = admittedAssociation(request);
    const task = isUuid(id) ? await this.repository.find(associationId, id) : null;
    if (!task || !canSeeTask(request.viewer, task)) throw notFound('Maintenance task');
    return task;
  }

  /** A task's latest rounds for whoever sees the task, through the request's loader (one query for a whole plan). */
  history(viewer: Viewer | null, task: MaintenanceTaskRow, loaders: MaintenanceLoaders): Promise<MaintenanceOccurrenceRow[]> {
    if (!canSeeTask(viewer, task)) return Promise.resolve([]);
    return loaders.history.load(task.id);
  }

  /** The completed rounds of tasks, for the loaders (seeing the tasks is checked by `history`). */
  historyOf(associationId: string, taskIds: readonly string[]): Promise<MaintenanceOccurrenceRow[]> {
    return this.repository.historyOf(associationId, taskIds, HISTORY_LIMIT);
  }

  /**
   * Completes a round: who, when and one answer per checklist item, and the next round in the same transaction.
   * A round already completed (a double submit, or the board and the caretaker at once) is CONFLICT.
   */
  async complete(request: RequestContext, input: CompletionInput): Promise<CompletedRound> {
    const associationId = admittedAssociation(request);
    const found = isUuid(input.occurrenceId) ? await this.repository.occurrence(associationId, input.occurrenceId) : null;
    if (!found || !canSeeTask(request.viewer, found.task)) throw notFound('Maintenance round');
    if (!canCompleteTask(request.viewer, found.task)) throw forbidden('Only the board and the person responsible complete a round.');
    const alreadyDone = () => conflict('This round was already completed.');
    if (found.occurrence.completedAt) throw alreadyDone();
    const note = blankToNull(input.note);
    refused(answersRefusal(found.task.checklist, input.answers));
    if (note !== null && note.length > 2_000) throw badUserInput('note', 'A note has at most 2000 characters.');
    const answers = found.task.checklist.map((item, i) => ({ item, done: input.answers[i]!.done, note: blankToNull(input.answers[i]!.note) }));
    const completion = { memberId: request.viewer!.memberId!, at: this.now(), answers, note };
    const result = await this.repository.complete(associationId, input.occurrenceId, completion, (task, completed) =>
      nextOccurrence(scheduleOf(task), { seq: completed.seq, completedAt: completion.at }),
    );
    if (!result) throw alreadyDone();
    return { round: result.completed, task: (await this.repository.find(associationId, found.task.id))! };
  }

  /** The association, once the viewer sits on its board and it has the add-on. */
  private managed(request: RequestContext): string {
    const associationId = admittedAssociation(request);
    if (!canManageTasks(request.viewer, associationId)) throw forbidden('Only the board manages the maintenance plan.');
    return associationId;
  }

  /** The responsible person is a member of the association today (any role) and not suspended; null is the board. */
  private async checkResponsible(associationId: string, memberId: string | null): Promise<void> {
    if (memberId === null) return;
    const refusal = badUserInput('responsibleMemberId', 'The responsible person must be a current, not suspended member of the association.');
    if (!isUuid(memberId)) throw refusal;
    const [entry] = await this.members.rolesOf(associationId, [memberId]);
    if (!entry || entry.roles.length === 0 || entry.suspended) throw refusal;
  }
}

/** A task's schedule as the rules read it. */
export function scheduleOf(task: MaintenanceTaskRow): Schedule {
  return { recurrence: task.recurrence, intervalMonths: task.intervalMonths, anchorOn: task.anchorOn, dueTime: task.dueTime, timeZone: task.timeZone };
}

function blankToNull(text: string | null | undefined): string | null {
  const trimmed = text?.trim() ?? '';
  return trimmed.length === 0 ? null : trimmed;
}
