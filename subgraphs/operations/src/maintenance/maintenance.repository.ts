import { randomUUID } from 'node:crypto';
import { and, asc, count, desc, eq, getTableColumns, inArray, isNotNull, isNull, lt, lte, sql } from 'drizzle-orm';
import type { SubgraphDatabase, Tx } from '@tunet/kit';
import { maintenanceOccurrences, maintenanceTasks, type MaintenanceOccurrenceRow, type MaintenanceTaskRow, type StoredAnswer } from './maintenance.tables';

export type NewTask = Omit<MaintenanceTaskRow, 'id' | 'createdAt' | 'updatedAt' | 'archivedAt'>;
export type TaskChanges = Partial<Pick<MaintenanceTaskRow, 'title' | 'description' | 'checklist' | 'responsibleMemberId'>>;

/** A task with its open occurrence (none once archived). */
export type PlannedTask = MaintenanceTaskRow & { open: MaintenanceOccurrenceRow | null };

export interface Completion {
  memberId: string;
  at: Date;
  answers: StoredAnswer[];
  note: string | null;
}

/** An occurrence the overdue sweep claimed, with what the notification needs of its task. */
export interface ClaimedOverdue {
  occurrence: MaintenanceOccurrenceRow;
  title: string;
  responsibleMemberId: string | null;
}

/**
 * The only SQL of the maintenance plan. Everything runs in the request's association (row-level security) except
 * the overdue sweep, which claims across associations in the system scope.
 */
export class MaintenanceRepository {
  constructor(private readonly db: SubgraphDatabase) {}

  /** A new task and its first occurrence, in one transaction. */
  create(task: NewTask, firstDueAt: Date, now: Date): Promise<PlannedTask> {
    return this.db.tenant(task.associationId, async (tx) => {
      const [row] = await tx
        .insert(maintenanceTasks)
        .values({ ...task, id: randomUUID(), createdAt: now, updatedAt: now })
        .returning();
      const open = await insertOccurrence(tx, row!, 0, firstDueAt, now);
      return { ...row!, open };
    });
  }

  /** Tasks not archived: what the association's plan holds now (maintenance_tasks_by_title). */
  countActive(associationId: string): Promise<number> {
    return this.db.tenant(associationId, async (tx) => {
      const [row] = await tx
        .select({ n: count() })
        .from(maintenanceTasks)
        .where(and(eq(maintenanceTasks.associationId, associationId), isNull(maintenanceTasks.archivedAt)));
      return row?.n ?? 0;
    });
  }

  async find(associationId: string, id: string): Promise<PlannedTask | null> {
    const [task] = await this.list(associationId, { ids: [id], includeArchived: true });
    return task ?? null;
  }

  /**
   * The association's tasks by title, each with its open occurrence; only those `responsibleMemberId` names when
   * given (maintenance_tasks_by_responsible), and archived ones only when asked.
   */
  list(associationId: string, filter: { responsibleMemberId?: string; includeArchived: boolean; ids?: string[] }): Promise<PlannedTask[]> {
    return this.db.tenant(associationId, async (tx) => {
      const rows = await tx
        .select({ task: maintenanceTasks, open: maintenanceOccurrences })
        .from(maintenanceTasks)
        .leftJoin(
          maintenanceOccurrences,
          and(
            eq(maintenanceOccurrences.associationId, maintenanceTasks.associationId),
            eq(maintenanceOccurrences.taskId, maintenanceTasks.id),
            isNull(maintenanceOccurrences.completedAt),
          ),
        )
        .where(
          and(
            eq(maintenanceTasks.associationId, associationId),
            filter.responsibleMemberId === undefined ? undefined : eq(maintenanceTasks.responsibleMemberId, filter.responsibleMemberId),
            filter.includeArchived ? undefined : isNull(maintenanceTasks.archivedAt),
            filter.ids === undefined ? undefined : inArray(maintenanceTasks.id, filter.ids),
          ),
        )
        .orderBy(asc(maintenanceTasks.title), asc(maintenanceTasks.id));
      return rows.map(({ task, open }) => ({ ...task, open }));
    });
  }

  /**
   * The latest `limit` completed rounds of each of the tasks, newest first, in one query for a whole plan
   * (maintenance_occurrences_by_task).
   */
  historyOf(associationId: string, taskIds: readonly string[], limit: number): Promise<MaintenanceOccurrenceRow[]> {
    return this.db.tenant(associationId, async (tx) => {
      const o = maintenanceOccurrences;
      const ranked = tx
        .select({ ...getTableColumns(o), rank: sql<number>`row_number() over (partition by ${o.taskId} order by ${o.dueAt} desc, ${o.id})`.as('rank') })
        .from(o)
        .where(and(eq(o.associationId, associationId), inArray(o.taskId, [...taskIds]), isNotNull(o.completedAt)))
        .as('ranked');
      const rows = await tx.select().from(ranked).where(lte(ranked.rank, limit)).orderBy(asc(ranked.taskId), desc(ranked.dueAt), asc(ranked.id));
      return rows.map(({ rank: _rank, ...row }) => row);
    });
  }

  /** The occurrence with its task, or null for an id the association does not have. */
  async occurrence(associationId: string, id: string): Promise<{ occurrence: MaintenanceOccurrenceRow; task: MaintenanceTaskRow } | null> {
    const [row] = await this.db.tenant(associationId, (tx) =>
      tx
        .select({ occurrence: maintenanceOccurrences, task: maintenanceTasks })
        .from(maintenanceOccurrences)
        .innerJoin(
          maintenanceTasks,
          and(eq(maintenanceTasks.associationId, maintenanceOccurrences.associationId), eq(maintenanceTasks.id, maintenanceOccurrences.taskId)),
        )
        .where(and(eq(maintenanceOccurrences.associationId, associationId), eq(maintenanceOccurrences.id, id))),
    );
    return row ?? null;
  }

  /**
   * Completes an open occurrence and creates the task's next one, in one transaction. The update is conditional on
   * the occurrence still being open, so of two completions at once exactly one wins; the other gets null (and the
   * open-occurrence unique index keeps a second next occurrence out even so).
   */
  complete(
    associationId: string,
    occurrenceId: string,
    completion: Completion,
    next: (task: MaintenanceTaskRow, completed: MaintenanceOccurrenceRow) => { seq: number; dueAt: Date },
  ): Promise<{ completed: MaintenanceOccurrenceRow; next: MaintenanceOccurrenceRow | null } | null> {
    return this.db.tenant(associationId, async (tx) => {
      // The task's row first, as archive() takes it: an archive at the same moment waits for this completion and
      // then removes the next round, or runs first and this one finds its round gone (no open round on an archived task).
      const [round] = await tx
        .select({ taskId: maintenanceOccurrences.taskId })
        .from(maintenanceOccurrences)
        .where(and(eq(maintenanceOccurrences.associationId, associationId), eq(maintenanceOccurrences.id, occurrenceId)));
      if (!round) return null;
      const [task] = await tx
        .select()
        .from(maintenanceTasks)
        .where(and(eq(maintenanceTasks.associationId, associationId), eq(maintenanceTasks.id, round.taskId)))
        .for('update');
      const [completed] = await tx
        .update(maintenanceOccurrences)
        .set({ completedAt: completion.at, completedByMemberId: completion.memberId, answers: completion.answers, note: completion.note })
        .where(
          and(eq(maintenanceOccurrences.associationId, associationId), eq(maintenanceOccurrences.id, occurrenceId), isNull(maintenanceOccurrences.completedAt)),
        )
        .returning();
      if (!completed) return null;
      if (!task || task.archivedAt) return { completed, next: null };
      const { seq, dueAt } = next(task, completed);
      return { completed, next: await insertOccurrence(tx, task, seq, dueAt, completion.at) };
    });
  }

  /** Changes what the board may change of a task; null when the association has no such task. */
  async update(associationId: string, id: string, changes: TaskChanges, now: Date): Promise<MaintenanceTaskRow | null> {
    const [row] = await this.db.tenant(associationId, (tx) =>
      tx
        .update(maintenanceTasks)
        .set({ ...changes, updatedAt: now })
        .where(and(eq(maintenanceTasks.associationId, associationId), eq(maintenanceTasks.id, id)))
        .returning(),
    );
    return row ?? null;
  }

  /**
   * Stops a task: archived, and its open occurrence (a round nobody did) removed, so it is neither due nor overdue.
   * The completed rounds stay as its history. Null when the association has no such task.
   */
  archive(associationId: string, id: string, now: Date): Promise<MaintenanceTaskRow | null> {
    return this.db.tenant(associationId, async (tx) => {
      const [row] = await tx
        .update(maintenanceTasks)
        .set({ archivedAt: sql`coalesce(${maintenanceTasks.archivedAt}, ${now.toISOString()}::timestamptz)`, updatedAt: now })
        .where(and(eq(maintenanceTasks.associationId, associationId), eq(maintenanceTasks.id, id)))
        .returning();
      if (!row) return null;
      await tx
        .delete(maintenanceOccurrences)
        .where(and(eq(maintenanceOccurrences.associationId, associationId), eq(maintenanceOccurrences.taskId, id), isNull(maintenanceOccurrences.completedAt)));
      return row;
    });
  }

  /** The associations with open rounds of live tasks past due that nobody was told about (the sweep asks which are entitled). */
  async overdueAssociations(now: Date): Promise<string[]> {
    const rows = await this.db.system((tx) =>
      tx.selectDistinct({ associationId: maintenanceOccurrences.associationId }).from(maintenanceOccurrences).where(unclaimedOverdue(tx, now)),
    );
    return rows.map((row) => row.associationId);
  }

  /**
   * Claims up to `limit` open occurrences past due that nobody was told about, across associations, and writes one
   * `maintenance_task.overdue` event for each in the same transaction, in `associationIds` only (those with the
   * operations center; the others' rounds stay unclaimed) and never of an archived task. The claim is the conditional update itself
   * (`overdue_notified_at` set only where it is still null): of sweeps on several replicas at once, each occurrence
   * is claimed by exactly one, and skip locked keeps them from waiting on each other.
   */
  claimOverdue(now: Date, limit: number, associationIds: readonly string[]): Promise<ClaimedOverdue[]> {
    if (associationIds.length === 0) return Promise.resolve([]);
    return this.db.system(async (tx) => {
      const due = tx
        .select({ id: maintenanceOccurrences.id })
        .from(maintenanceOccurrences)
        .where(and(unclaimedOverdue(tx, now), inArray(maintenanceOccurrences.associationId, [...associationIds])))
        .orderBy(asc(maintenanceOccurrences.dueAt))
        .limit(limit)
        .for('update', { skipLocked: true });
      const claimed = await tx
        .update(maintenanceOccurrences)
        .set({ overdueNotifiedAt: now })
        .where(and(inArray(maintenanceOccurrences.id, due), unclaimedOverdue(tx, now)))
        .returning();
      if (claimed.length === 0) return [];
      const tasks = await tx
        .select()
        .from(maintenanceTasks)
        .where(inArray(maintenanceTasks.id, [...new Set(claimed.map((o) => o.taskId))]));
      const byKey = new Map(tasks.map((task) => [`${task.associationId}/${task.id}`, task]));
      const result: ClaimedOverdue[] = [];
      for (const occurrence of claimed) {
        const task = byKey.get(`${occurrence.associationId}/${occurrence.taskId}`)!;
        const payload = {
          taskId: task.id,
          occurrenceId: occurrence.id,
          title: task.title,
          responsibleMemberId: task.responsibleMemberId,
          dueAt: occurrence.dueAt.toISOString(),
        };
        await this.db.outbox.add(tx, { topic: 'maintenance_task.overdue', associationId: occurrence.associationId, payload });
        result.push({ occurrence, title: task.title, responsibleMemberId: task.responsibleMemberId });
      }
      return result;
    });
  }
}

/** An open round past due, nobody told yet, of a task that is not archived. */
function unclaimedOverdue(tx: Tx, now: Date) {
  const o = maintenanceOccurrences;
  const live = tx.select({ id: maintenanceTasks.id }).from(maintenanceTasks).where(isNull(maintenanceTasks.archivedAt));
  return and(isNull(o.completedAt), isNull(o.overdueNotifiedAt), lt(o.dueAt, now), inArray(o.taskId, live));
}

async function insertOccurrence(tx: Tx, task: MaintenanceTaskRow, seq: number, dueAt: Date, now: Date): Promise<MaintenanceOccurrenceRow> {
  const [row] = await tx
    .insert(maintenanceOccurrences)
    .values({ associationId: task.associationId, id: randomUUID(), taskId: task.id, seq, dueAt, createdAt: now })
    .returning();
  return row!;
}
