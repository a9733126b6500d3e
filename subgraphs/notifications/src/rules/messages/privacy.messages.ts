import type { TunetPayload } from '@tunet/events';
import { clientRoutes } from '@tunet/kit';
import type { Locale } from '../../model';
import { bilingual, paragraphs, type Render } from './bilingual';

/**
 * What people read about privacy (docs/decisions/0036–0040): a person about their data-subject requests and the
 * association's privacy notice; the board (and the association's contact e-mail) about the provider's sub-processors,
 * personal-data breaches and a terminated association's export. Dates and times are the association's.
 */

type RequestKind = TunetPayload<'privacy.request_extended'>['kind'];

const REQUEST_KINDS: Record<RequestKind, Record<Locale, string>> = {
  export: { nb: 'innsyn i og kopi av opplysningene dine', en: 'access to and a copy of your data' },
  erasure: { nb: 'sletting av opplysningene dine', en: 'erasure of your data' },
  restriction: { nb: 'begrensning av behandlingen', en: 'restriction of processing' },
  rectification: { nb: 'retting av opplysningene dine', en: 'rectification of your data' },
  objection: { nb: 'innsigelse mot behandlingen', en: 'objection to the processing' },
};

const CHANGE_TITLES: Record<TunetPayload<'subprocessor.change_announced'>['change'], Record<Locale, string>> = {
  added: { nb: 'Ny underleverandør', en: 'New sub-processor' },
  changed: { nb: 'Endret underleverandør', en: 'Sub-processor changing' },
  removed: { nb: 'Underleverandør fases ut', en: 'Sub-processor removed' },
};

const CHANGES: Record<TunetPayload<'subprocessor.change_announced'>['change'], Record<Locale, string>> = {
  added: { nb: 'tas i bruk', en: 'will be added' },
  changed: { nb: 'endres', en: 'will change' },
  removed: { nb: 'fases ut', en: 'will be removed' },
};

export function exportReady(ready: TunetPayload<'privacy.export_ready'>, occurredAt: Date): Render {
  const link = clientRoutes.privacyRequest(ready.requestId);
  return bilingual(occurredAt, {
    nb: (association, clock) => ({
      title: 'Kopien av personopplysningene er klar',
      body: paragraphs(
        `Eksporten av det ${association.name} har lagret om personen i Tunet er klar til nedlasting.`,
        `Lenken virker til ${clock.dateTime(ready.expiresAt)}. Etter det kan du be om en ny.`,
      ),
      link,
      action: 'Last ned',
    }),
    en: (association, clock) => ({
      title: 'The copy of the personal data is ready',
      body: paragraphs(
        `The export of what ${association.name} holds about the person in Tunet is ready to download.`,
        `The link works until ${clock.dateTime(ready.expiresAt)}. After that you can ask for a new one.`,
      ),
      link,
      action: 'Download',
    }),
  });
}

export function requestExtended(extended: TunetPayload<'privacy.request_extended'>, occurredAt: Date): Render {
  const link = clientRoutes.privacyRequest(extended.requestId);
  return bilingual(occurredAt, {
    nb: (association, clock) => ({
      title: 'Fristen for forespørselen din er forlenget',
      body: paragraphs(
        `${association.name} trenger mer tid til forespørselen din om ${REQUEST_KINDS[extended.kind].nb}. Ny frist er ${clock.date(extended.deadline)}.`,
        `Begrunnelse: ${extended.reason}`,
        'Du kan klage til Datatilsynet om du mener forespørselen ikke blir behandlet riktig.',
      ),
      link,
      action: 'Se forespørselen',
    }),
    en: (association, clock) => ({
      title: 'The deadline of your request has been extended',
      body: paragraphs(
        `${association.name} needs more time for your request for ${REQUEST_KINDS[extended.kind].en}. The new deadline is ${clock.date(extended.deadline)}.`,
        `Reason: ${extended.reason}`,
        'You may complain to Datatilsynet (the Norwegian Data Protection Authority) if you think the request is not handled as it should be.',
      ),
      link,
      action: 'See the request',
    }),
  });
}

export function requestCompleted(completed: TunetPayload<'privacy.request_completed'>, occurredAt: Date): Render {
  const link = clientRoutes.privacyRequest(completed.requestId);
  return bilingual(occurredAt, {
    nb: () => ({
      title: 'Forespørselen er fullført',
      body: paragraphs(
        `Forespørselen om ${REQUEST_KINDS[completed.kind].nb} er fullført. Kvitteringen viser hva som ble gjort, og hva som må beholdes etter loven.`,
      ),
      link,
      action: 'Se kvitteringen',
    }),
    en: () => ({
      title: 'The request is complete',
      body: paragraphs(
        `The request for ${REQUEST_KINDS[completed.kind].en} is complete. The receipt shows what was done, and what the law requires to be kept.`,
      ),
      link,
      action: 'See the receipt',
    }),
  });
}

export function noticePublished(notice: TunetPayload<'privacy.notice_published'>, occurredAt: Date): Render {
  const link = clientRoutes.privacyNotice();
  return bilingual(occurredAt, {
    nb: (association, clock) => ({
      title: `${association.name} har endret personvernerklæringen`,
      body: paragraphs(
        `Personvernerklæringen er endret på punkter som har betydning for deg (versjon ${notice.version}, sist endret ${clock.date(notice.lastChangedOn)}).`,
        'Les hva som er nytt, og hvilke valg du har.',
      ),
      link,
      action: 'Les personvernerklæringen',
    }),
    en: (association, clock) => ({
      title: `${association.name} has changed its privacy notice`,
      body: paragraphs(
        `The privacy notice has changed in ways that matter to you (version ${notice.version}, last changed ${clock.date(notice.lastChangedOn)}).`,
        'Read what is new, and the choices you have.',
      ),
      link,
      action: 'Read the privacy notice',
    }),
  });
}

export function subprocessorChange(change: TunetPayload<'subprocessor.change_announced'>, occurredAt: Date): Render {
  const link = clientRoutes.subprocessors();
  return bilingual(occurredAt, {
    nb: (_association, clock) => ({
      title: `${CHANGE_TITLES[change.change].nb}: ${change.subprocessor}`,
      body: paragraphs(
        `Tunet varsler at underleverandøren ${change.subprocessor} ${CHANGES[change.change].nb} fra ${clock.date(change.effectiveOn)}.`,
        change.emergency && `Endringen haster${change.reason ? `: ${change.reason}` : '.'}`,
        `Styret kan protestere mot endringen innen ${clock.date(change.objectionDeadline)}.`,
      ),
      link,
      action: 'Se underleverandørene',
    }),
    en: (_association, clock) => ({
      title: `${CHANGE_TITLES[change.change].en}: ${change.subprocessor}`,
      body: paragraphs(
        `Tunet announces that the sub-processor ${change.subprocessor} ${CHANGES[change.change].en} on ${clock.date(change.effectiveOn)}.`,
        change.emergency && `This is an emergency change${change.reason ? `: ${change.reason}` : '.'}`,
        `The board may object to the change until ${clock.date(change.objectionDeadline)}.`,
      ),
      link,
      action: 'See the sub-processors',
    }),
  });
}

export function breachNotified(breach: TunetPayload<'breach.notified'>, occurredAt: Date): Render {
  const link = clientRoutes.breach(breach.breachId);
  return bilingual(occurredAt, {
    nb: (association, clock) => ({
      title: 'Brudd på personopplysningssikkerheten',
      body: paragraphs(
        `Tunet melder om et brudd på sikkerheten som kan gjelde personopplysninger i ${association.name}, oppdaget ${clock.dateTime(breach.suspectedAt)}.`,
        breach.description,
        breach.dataCategories.length > 0 && `Opplysninger som kan være berørt: ${breach.dataCategories.join(', ')}.`,
        `Som behandlingsansvarlig må laget melde bruddet til Datatilsynet innen ${clock.dateTime(breach.authorityDeadline)}, med mindre det er usannsynlig at det medfører en risiko for personers rettigheter og friheter.`,
      ),
      link,
      action: 'Se bruddet',
    }),
    en: (association, clock) => ({
      title: 'Personal data breach',
      body: paragraphs(
        `Tunet reports a security breach that may concern personal data in ${association.name}, discovered ${clock.dateTime(breach.suspectedAt)}.`,
        breach.description,
        breach.dataCategories.length > 0 && `Data that may be affected: ${breach.dataCategories.join(', ')}.`,
        `As the controller, the association must notify Datatilsynet by ${clock.dateTime(breach.authorityDeadline)}, unless the breach is unlikely to result in a risk to people's rights and freedoms.`,
      ),
      link,
      action: 'See the breach',
    }),
  });
}

/** Only the association's own clock: telling the association late is the provider's duty, watched in the register. */
export function authorityClockOverdue(overdue: TunetPayload<'breach.clock_overdue'>, occurredAt: Date): Render {
  const link = clientRoutes.breach(overdue.breachId);
  return bilingual(occurredAt, {
    nb: (_association, clock) => ({
      title: 'Fristen for å melde bruddet til Datatilsynet er ute',
      body: paragraphs(
        `Fristen på 72 timer for å melde bruddet på personopplysningssikkerheten til Datatilsynet gikk ut ${clock.dateTime(overdue.dueAt)}.`,
        'Meld bruddet så snart som mulig, og forklar hvorfor det er forsinket.',
      ),
      link,
      action: 'Se bruddet',
    }),
    en: (_association, clock) => ({
      title: 'The deadline to notify Datatilsynet of the breach has passed',
      body: paragraphs(
        `The 72-hour deadline to notify Datatilsynet of the personal data breach passed ${clock.dateTime(overdue.dueAt)}.`,
        'Notify it as soon as possible, with the reasons for the delay.',
      ),
      link,
      action: 'See the breach',
    }),
  });
}

/**
 * The provider's 24 hours to tell the association of a breach ran out: the board hears it is late rather than
 * nothing, so it can ask and start its own 72-hour assessment.
 */
export function associationClockOverdue(overdue: TunetPayload<'breach.clock_overdue'>, occurredAt: Date): Render {
  const link = clientRoutes.breach(overdue.breachId);
  return bilingual(occurredAt, {
    nb: (_association, clock) => ({
      title: 'Tunet har ikke varslet dere om et brudd i tide',
      body: paragraphs(
        `Tunet skulle ha varslet dere om et mulig brudd på personopplysningssikkerheten som kan berøre dere, senest ${clock.dateTime(overdue.dueAt)}.`,
        'Varselet er forsinket. Se bruddet, og kontakt Tunet om dere trenger mer for å vurdere om det skal meldes til Datatilsynet.',
      ),
      link,
      action: 'Se bruddet',
    }),
    en: (_association, clock) => ({
      title: 'Tunet has not told you of a breach in time',
      body: paragraphs(
        `Tunet was to tell you of a suspected personal data breach that may affect you by ${clock.dateTime(overdue.dueAt)}.`,
        'The notice is late. See the breach, and ask Tunet for what you need to decide whether to notify Datatilsynet.',
      ),
      link,
      action: 'See the breach',
    }),
  });
}

/**
 * After the end nobody of the association can log in (decision 0034), so the message carries no link into Tunet: the
 * provider's operator hands the copy over with a download link by e-mail and an access code by another channel
 * (decision 0037), and this says so, so a link that arrives otherwise is not trusted.
 */
export function associationExportReady(ready: TunetPayload<'association.export_ready'>, occurredAt: Date): Render {
  return bilingual(occurredAt, {
    nb: (association, clock) => ({
      title: `Kopien av ${association.name} er klar`,
      body: paragraphs(
        `Hele innholdet til ${association.name} i Tunet er kopiert og kan lastes ned til ${clock.dateTime(ready.expiresAt)}.`,
        'Tunet sender dere en nedlastingslenke på e-post og en tilgangskode på telefon eller SMS, hver for seg. Ta kontakt med Tunet om dere ikke har fått dem. Tunet ber aldri om passord.',
        'Deretter slettes alt, også logger og filer, og laget får en skriftlig bekreftelse.',
      ),
      link: null,
    }),
    en: (association, clock) => ({
      title: `The copy of ${association.name} is ready`,
      body: paragraphs(
        `All of ${association.name}'s content in Tunet has been copied and can be downloaded until ${clock.dateTime(ready.expiresAt)}.`,
        'Tunet sends you a download link by e-mail and an access code by phone or SMS, separately. Contact Tunet if you have not received them. Tunet never asks for a password.',
        'After that everything is deleted, logs and files included, and the association gets a written confirmation.',
      ),
      link: null,
    }),
  });
}

/**
 * The board (or an operator in a support session) set or lifted a restriction of the person's processing (GDPR art.
 * 18): the person is told, with the reason, in the privacy category that reaches them even while restricted.
 */
export function restrictionChanged(changed: TunetPayload<'privacy.restriction_changed'>, occurredAt: Date): Render {
  const by = { board: { nb: 'Styret', en: 'The board' }, operator: { nb: 'Tunet', en: 'Tunet' } }[changed.actor];
  return bilingual(occurredAt, {
    nb: (association) =>
      changed.action === 'set'
        ? {
            title: 'Behandlingen av opplysningene dine er begrenset',
            body: paragraphs(
              `${by.nb} i ${association.name} har begrenset behandlingen av personopplysningene dine. Mens begrensningen gjelder, vises det du skriver ikke for andre, og du får bare meldinger du må ha.`,
              `Begrunnelse: ${changed.reason}`,
            ),
            link: null,
          }
        : {
            title: 'Begrensningen av behandlingen er opphevet',
            body: paragraphs(
              `${by.nb} i ${association.name} har opphevet begrensningen av behandlingen av personopplysningene dine. Opplysningene behandles som før.`,
              `Begrunnelse: ${changed.reason}`,
              'Du kan klage til Datatilsynet om du mener dette er feil.',
            ),
            link: null,
          },
    en: (association) =>
      changed.action === 'set'
        ? {
            title: 'The processing of your data is restricted',
            body: paragraphs(
              `${by.en} of ${association.name} has restricted the processing of your personal data. While it lasts, what you write is not shown to others, and you only get the messages you must.`,
              `Reason: ${changed.reason}`,
            ),
            link: null,
          }
        : {
            title: 'The restriction of processing is lifted',
            body: paragraphs(
              `${by.en} of ${association.name} has lifted the restriction of the processing of your personal data. Your data is processed as before.`,
              `Reason: ${changed.reason}`,
              'You may complain to Datatilsynet (the Norwegian Data Protection Authority) if you think this is wrong.',
            ),
            link: null,
          },
  });
}
