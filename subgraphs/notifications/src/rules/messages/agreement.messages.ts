import type { TunetPayload } from '@tunet/events';
import { clientRoutes } from '@tunet/kit';
import type { Locale } from '../../model';
import { bilingual, paragraphs, type Render } from './bilingual';

/**
 * What the board and the association's contact e-mail read about the agreement with the provider (members): a
 * termination filed or withdrawn, a breach of the terms noticed, access blocked or reopened. While an association is
 * blocked its people cannot log in, so these go by e-mail too (the billing category keeps e-mail on by default).
 */

const BY: Record<'board' | 'provider', Record<Locale, string>> = {
  board: { nb: 'Styret', en: 'The board' },
  provider: { nb: 'Leverandøren', en: 'The provider' },
};

const GROUNDS: Record<TunetPayload<'association.blocked'>['ground'], Record<Locale, string>> = {
  illegal_use: { nb: 'Tunet er brukt i strid med lov eller vilkårene', en: 'Tunet was used against the law or the terms' },
  invalid_legal_details: { nb: 'opplysningene om laget er ikke gyldige', en: "the association's legal details are not valid" },
  unremedied_breach: { nb: 'bruddet på vilkårene ble ikke rettet innen fristen', en: 'the breach of the terms was not remedied in time' },
};

export function terminationFiled(filed: TunetPayload<'association.termination_filed'>, occurredAt: Date): Render {
  const link = clientRoutes.agreement();
  return bilingual(occurredAt, {
    nb: (association, clock) => ({
      title: `Avtalen for ${association.name} er sagt opp`,
      body: paragraphs(
        `${BY[filed.initiatedBy].nb} har sagt opp avtalen om Tunet. Fra ${clock.date(filed.effectiveOn)} kan ingen i ${association.name} logge inn, og det sendes ingen varsler.`,
        filed.reason && `Begrunnelse: ${filed.reason}`,
        'Hent ut det dere vil ta vare på før den dagen.',
      ),
      link,
      action: 'Se avtalen',
    }),
    en: (association, clock) => ({
      title: `The agreement for ${association.name} has been terminated`,
      body: paragraphs(
        `${BY[filed.initiatedBy].en} ended the agreement for Tunet. From ${clock.date(filed.effectiveOn)} nobody in ${association.name} can log in, and no notifications are sent.`,
        filed.reason && `Reason: ${filed.reason}`,
        'Export what you want to keep before that day.',
      ),
      link,
      action: 'See the agreement',
    }),
  });
}

export function terminationWithdrawn(withdrawn: TunetPayload<'association.termination_withdrawn'>, occurredAt: Date): Render {
  const link = clientRoutes.agreement();
  return bilingual(occurredAt, {
    nb: (association, clock) => ({
      title: 'Oppsigelsen er trukket tilbake',
      body: `${BY[withdrawn.initiatedBy].nb} har trukket tilbake oppsigelsen som skulle gjelde fra ${clock.date(withdrawn.effectiveOn)}. Avtalen for ${association.name} løper videre.`,
      link,
      action: 'Se avtalen',
    }),
    en: (association, clock) => ({
      title: 'The termination was withdrawn',
      body: `${BY[withdrawn.initiatedBy].en} withdrew the termination that was to take effect on ${clock.date(withdrawn.effectiveOn)}. The agreement for ${association.name} goes on.`,
      link,
      action: 'See the agreement',
    }),
  });
}

export function breachNoticed(breach: TunetPayload<'association.breach_noticed'>, occurredAt: Date): Render {
  const link = clientRoutes.agreement();
  return bilingual(occurredAt, {
    nb: (association, clock) => ({
      title: 'Varsel om brudd på vilkårene',
      body: paragraphs(
        `Leverandøren mener at ${association.name} bruker Tunet i strid med vilkårene: ${breach.description}`,
        `Rett forholdet innen ${clock.date(breach.remedyBy)}. Ellers kan tilgangen stenges og avtalen sies opp med 7 dagers varsel.`,
      ),
      link,
      action: 'Se avtalen',
    }),
    en: (association, clock) => ({
      title: 'Notice of a breach of the terms',
      body: paragraphs(
        `The provider considers that ${association.name} uses Tunet against the terms: ${breach.description}`,
        `Remedy it by ${clock.date(breach.remedyBy)}. Otherwise access may be blocked and the agreement ended with 7 days' notice.`,
      ),
      link,
      action: 'See the agreement',
    }),
  });
}

export function blocked(block: TunetPayload<'association.blocked'>, occurredAt: Date): Render {
  return bilingual(occurredAt, {
    nb: (association, clock) => ({
      title: `Tilgangen til Tunet for ${association.name} er stengt`,
      body: paragraphs(
        `Leverandøren har stengt tilgangen fordi ${GROUNDS[block.ground].nb}: ${block.reason}`,
        `Avtalen avsluttes ${clock.date(block.effectiveOn)}. Til da kan ingen logge inn. Ta kontakt med leverandøren om dere mener dette er feil.`,
      ),
      link: null,
    }),
    en: (association, clock) => ({
      title: `Access to Tunet for ${association.name} is blocked`,
      body: paragraphs(
        `The provider blocked access because ${GROUNDS[block.ground].en}: ${block.reason}`,
        `The agreement ends on ${clock.date(block.effectiveOn)}. Until then nobody can log in. Contact the provider if you think this is wrong.`,
      ),
      link: null,
    }),
  });
}

export function unblocked(occurredAt: Date): Render {
  const link = clientRoutes.agreement();
  return bilingual(occurredAt, {
    nb: (association) => ({
      title: `Tilgangen til Tunet for ${association.name} er åpnet igjen`,
      body: 'Leverandøren har åpnet tilgangen igjen, og oppsigelsen som fulgte stengingen er trukket tilbake. Alle kan logge inn som før.',
      link,
      action: 'Se avtalen',
    }),
    en: (association) => ({
      title: `Access to Tunet for ${association.name} is open again`,
      body: 'The provider reopened access, and the termination that came with the block is withdrawn. Everyone can log in as before.',
      link,
      action: 'See the agreement',
    }),
  });
}
