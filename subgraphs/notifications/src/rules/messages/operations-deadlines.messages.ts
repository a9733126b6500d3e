import type { TunetPayload } from '@tunet/events';
import { clientRoutes } from '@tunet/kit';
import { bilingual, paragraphs, type Render } from './bilingual';

/**
 * What the board and the assignee read when a service request passes its response or resolution deadline
 * (operations, decision 0043). Only the reporter's own title is named; nothing internal.
 */
export function serviceRequestOverdue(overdue: TunetPayload<'service_request.overdue'>, occurredAt: Date): Render {
  const link = clientRoutes.serviceRequest(overdue.requestId);
  return bilingual(occurredAt, {
    nb: (association, clock) => ({
      title: `Over fristen: ${overdue.title}`,
      body: paragraphs(
        overdue.missed === 'response'
          ? `Feilmeldingen «${overdue.title}» i ${association.name} skulle vært besvart ${clock.dateTime(overdue.dueAt)}, og er fortsatt ny.`
          : `Feilmeldingen «${overdue.title}» i ${association.name} skulle vært løst ${clock.dateTime(overdue.dueAt)}.`,
        overdue.urgency === 'urgent' ? 'Den er meldt som akutt.' : null,
      ),
      link,
      action: 'Åpne feilmeldingen',
    }),
    en: (association, clock) => ({
      title: `Past its deadline: ${overdue.title}`,
      body: paragraphs(
        overdue.missed === 'response'
          ? `The service request “${overdue.title}” in ${association.name} was to be answered ${clock.dateTime(overdue.dueAt)} and is still new.`
          : `The service request “${overdue.title}” in ${association.name} was to be resolved ${clock.dateTime(overdue.dueAt)}.`,
        overdue.urgency === 'urgent' ? 'It was reported as urgent.' : null,
      ),
      link,
      action: 'Open the request',
    }),
  });
}
