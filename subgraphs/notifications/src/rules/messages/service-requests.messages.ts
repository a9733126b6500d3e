import type { TunetPayload } from '@tunet/events';
import { clientRoutes } from '@tunet/kit';
import type { Locale } from '../../model';
import { bilingual, paragraphs, type Render } from './bilingual';

/**
 * What the reporter of a service request (feilmelding) reads when its status changes (operations, decision 0042).
 * Built from the event alone, which carries only what the reporter sees: their own title and a rejection's reason,
 * never an internal comment or the supplier's details.
 */

type Status = TunetPayload<'service_request.status_changed'>['to'];

/** Each status as the reporter reads it, in a sentence's middle. */
const STATUS_NAMES: Record<Status, Record<Locale, string>> = {
  new: { nb: 'ny', en: 'new' },
  acknowledged: { nb: 'mottatt', en: 'acknowledged' },
  in_progress: { nb: 'under arbeid', en: 'in progress' },
  waiting: { nb: 'venter', en: 'waiting' },
  resolved: { nb: 'utbedret', en: 'resolved' },
  closed: { nb: 'avsluttet', en: 'closed' },
  rejected: { nb: 'avvist', en: 'rejected' },
};

/** What the change means for the reporter, beyond the new status. */
const WHAT_NOW: Partial<Record<Status, Record<Locale, string>>> = {
  acknowledged: { nb: 'Styret har sett feilmeldingen din.', en: 'The board has seen your report.' },
  in_progress: { nb: 'Noen jobber med saken nå.', en: 'Someone is working on it now.' },
  waiting: { nb: 'Saken venter på deler, en leverandør eller svar fra deg.', en: 'It is waiting for parts, a supplier or an answer from you.' },
  resolved: {
    nb: 'Feilen er meldt utbedret. Er den ikke det, kan du åpne saken igjen innen 14 dager. Du kan også gi en vurdering av arbeidet.',
    en: 'The fault is reported fixed. If it is not, you can reopen the request within 14 days. You can also rate the work.',
  },
  closed: { nb: 'Saken er avsluttet.', en: 'The request is closed.' },
  rejected: { nb: 'Styret vil ikke utbedre denne feilen.', en: 'The board will not fix this fault.' },
};

export function statusChanged(change: TunetPayload<'service_request.status_changed'>, occurredAt: Date): Render {
  const link = clientRoutes.serviceRequest(change.requestId);
  const reopened = change.from === 'resolved' && change.to === 'in_progress';
  return bilingual(occurredAt, {
    nb: () => ({
      title: reopened ? `Gjenåpnet: ${change.title}` : `Feilmelding ${STATUS_NAMES[change.to].nb}: ${change.title}`,
      body: paragraphs(
        `Feilmeldingen «${change.title}» er endret fra ${STATUS_NAMES[change.from].nb} til ${STATUS_NAMES[change.to].nb}.`,
        reopened ? 'Saken er åpnet igjen.' : (WHAT_NOW[change.to]?.nb ?? null),
        change.reason && `Begrunnelse: ${change.reason}`,
      ),
      link,
      action: 'Se feilmeldingen',
    }),
    en: () => ({
      title: reopened ? `Reopened: ${change.title}` : `Service request ${STATUS_NAMES[change.to].en}: ${change.title}`,
      body: paragraphs(
        `Your service request “${change.title}” changed from ${STATUS_NAMES[change.from].en} to ${STATUS_NAMES[change.to].en}.`,
        reopened ? 'The request is open again.' : (WHAT_NOW[change.to]?.en ?? null),
        change.reason && `Reason: ${change.reason}`,
      ),
      link,
      action: 'See the request',
    }),
  });
}

/** For the member the board assigned a request to (the caretaker): what it is and where to find it. */
export function assigned(assignment: TunetPayload<'service_request.assigned'>, occurredAt: Date): Render {
  const link = clientRoutes.serviceRequest(assignment.requestId);
  const urgent = assignment.urgency === 'urgent';
  return bilingual(occurredAt, {
    nb: () => ({
      title: `${urgent ? 'Haster: ' : ''}Ny feilmelding til deg: ${assignment.title}`,
      body: paragraphs(
        `Styret har gitt deg feilmeldingen «${assignment.title}».`,
        urgent && 'Den er meldt som akutt.',
        'Du ser saken, kan skrive interne kommentarer og melde den utbedret.',
      ),
      link,
      action: 'Se feilmeldingen',
    }),
    en: () => ({
      title: `${urgent ? 'Urgent: ' : ''}Service request assigned to you: ${assignment.title}`,
      body: paragraphs(
        `The board has assigned the service request “${assignment.title}” to you.`,
        urgent && 'It is reported as urgent.',
        'You can see it, write internal comments and report it resolved.',
      ),
      link,
      action: 'See the request',
    }),
  });
}

type Reported = TunetPayload<'service_request.reported'>;

const CATEGORY_NAMES: Record<Reported['category'], Record<Locale, string>> = {
  plumbing: { nb: 'rørlegger', en: 'plumbing' },
  electrical: { nb: 'elektro', en: 'electrical' },
  heating_ventilation: { nb: 'varme og ventilasjon', en: 'heating and ventilation' },
  common_areas: { nb: 'fellesarealer', en: 'common areas' },
  outdoor: { nb: 'uteområder', en: 'outdoor areas' },
  security_locks: { nb: 'sikkerhet og låser', en: 'security and locks' },
  other: { nb: 'annet', en: 'other' },
};

const PLACES: Record<Reported['locationKind'], Record<Locale, string>> = {
  unit: { nb: 'i en bolig', en: 'in a home' },
  building: { nb: 'i en bygning', en: 'in a building' },
  common_area: { nb: 'i et fellesareal', en: 'in a common area' },
};

/** For the board when a member reports a fault: what and where in a word, urgent ones first in the title. */
export function reported(report: Reported, occurredAt: Date): Render {
  const link = clientRoutes.serviceRequest(report.requestId);
  const urgent = report.urgency === 'urgent';
  return bilingual(occurredAt, {
    nb: (association) => ({
      title: `${urgent ? 'Haster: ' : ''}Ny feilmelding: ${report.title}`,
      body: paragraphs(
        `Feilen «${report.title}» er meldt ${PLACES[report.locationKind].nb} i ${association.name} (${CATEGORY_NAMES[report.category].nb}).`,
        urgent && 'Den er meldt som akutt og bør ses på med en gang.',
      ),
      link,
      action: 'Se feilmeldingen',
    }),
    en: (association) => ({
      title: `${urgent ? 'Urgent: ' : ''}New service request: ${report.title}`,
      body: paragraphs(
        `The fault “${report.title}” was reported ${PLACES[report.locationKind].en} in ${association.name} (${CATEGORY_NAMES[report.category].en}).`,
        urgent && 'It is reported as urgent and needs attention now.',
      ),
      link,
      action: 'See the request',
    }),
  });
}
