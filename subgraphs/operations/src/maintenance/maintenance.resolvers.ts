import type { Resolvers } from '../__generated__/resolvers-types';
import { maintenanceLoaders } from './maintenance.loaders';
import { isOverdue } from './maintenance.rules';

/** The maintenance plan's fields (decision 0043): thin, the service decides who may do what. */
export const maintenanceResolvers: Resolvers = {
  Query: {
    maintenanceTasks: (_parent, { includeArchived }, ctx) => ctx.maintenance.list(ctx, includeArchived ?? false),
    maintenanceTask: (_parent, { id }, ctx) => ctx.maintenance.get(ctx, id),
  },
  Mutation: {
    createMaintenanceTask: (_parent, { input }, ctx) => ctx.maintenance.create(ctx, input),
    updateMaintenanceTask: (_parent, { input }, ctx) => ctx.maintenance.update(ctx, input),
    archiveMaintenanceTask: (_parent, { input: { id } }, ctx) => ctx.maintenance.archive(ctx, id),
    completeMaintenanceRound: (_parent, { input }, ctx) =>
      ctx.maintenance.complete(ctx, {
        occurrenceId: input.roundId,
        answers: input.answers.map((a) => ({ done: a.done, note: a.note ?? null })),
        note: input.note,
      }),
  },
  MaintenanceTask: {
    firstDueOn: (task) => task.anchorOn,
    responsible: (task) => (task.responsibleMemberId ? { id: task.responsibleMemberId } : null),
    nextRound: (task) => task.open,
    overdue: (task, _args, ctx) => task.open !== null && isOverdue(task.open, ctx.maintenance.clock()),
    history: (task, _args, ctx) => ctx.maintenance.history(ctx.viewer, task, maintenanceLoaders(ctx)),
  },
  MaintenanceRound: {
    overdue: (round, _args, ctx) => isOverdue(round, ctx.maintenance.clock()),
    completedBy: (round) => (round.completedByMemberId ? { id: round.completedByMemberId } : null),
  },
};
