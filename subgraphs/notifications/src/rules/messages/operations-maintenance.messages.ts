import type { TunetPayload } from '@tunet/events';
import { clientRoutes } from '@tunet/kit';
import { bilingual, paragraphs, type Render } from './bilingual';

/**
 * What the person responsible for a maintenance task (or the board, when nobody is) reads when a round of it is
 * overdue (operations, decision 0043). The due time is shown in the association's zone.
 */
export function maintenanceTaskOverdue(overdue: TunetPayload<'maintenance_task.overdue'>, occurredAt: Date): Render {
  const link = clientRoutes.maintenanceTask(overdue.taskId);
  return bilingual(occurredAt, {
    nb: (association, clock) => ({
      title: `Forfalt: ${overdue.title}`,
      body: paragraphs(
        `Vedlikeholdsoppgaven «${overdue.title}» i ${association.name} skulle vært utført ${clock.dateTime(overdue.dueAt)}, og er ikke registrert som utført.`,
        'Når runden er gjort, fyller du ut sjekklisten og markerer den som utført; da settes neste runde opp.',
      ),
      link,
      action: 'Åpne oppgaven',
    }),
    en: (association, clock) => ({
      title: `Overdue: ${overdue.title}`,
      body: paragraphs(
        `The maintenance task “${overdue.title}” in ${association.name} was due ${clock.dateTime(overdue.dueAt)} and has not been recorded as done.`,
        'Once the round is done, fill in the checklist and mark it as completed; the next round is then scheduled.',
      ),
      link,
      action: 'Open the task',
    }),
  });
}
