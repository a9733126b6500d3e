import type { TunetPayload } from '@tunet/events';
import { clientRoutes } from '@tunet/kit';
import { DateTime } from 'luxon';
import type { Locale } from '../../model';
import { bilingual, paragraphs, type Render } from './bilingual';

/**
 * What the board and the association's contact e-mail read about the subscription, its invoices and the terms of
 * service (billing, and members for the terms). Amounts are kroner (the events carry øre); dates are the
 * association's calendar days. Billing's end dates are exclusive (a period's end is the next one's start, a trial's
 * end its first paid day, a withdrawal's end the first day without the add-on), so texts show the day things stop,
 * or a period's last day.
 */

/** The add-ons by name, as the board knows them from the catalogue; an unknown key is shown as it is. */
const FEATURE_NAMES: Record<string, Record<Locale, string>> = {
  operationsCenter: { nb: 'Driftssenteret', en: 'the operations center' },
  sms: { nb: 'SMS-varsling', en: 'SMS notifications' },
  extraStorage: { nb: 'Ekstra lagringsplass', en: 'extra storage' },
};

function featureName(feature: string, locale: Locale): string {
  return Object.hasOwn(FEATURE_NAMES, feature) ? FEATURE_NAMES[feature]![locale] : feature;
}

/** The feature's name at the start of a sentence. */
function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** The day before an exclusive end date: a period's last day. */
function lastDayBefore(isoDate: string): string {
  return DateTime.fromISO(isoDate, { zone: 'utc' }).minus({ days: 1 }).toISODate() ?? isoDate;
}

/** Øre as kroner: `1 234,50 kr` / `NOK 1,234.50`. */
export function kroner(amountOre: number, locale: Locale): string {
  return new Intl.NumberFormat(locale === 'nb' ? 'nb-NO' : 'en-GB', { style: 'currency', currency: 'NOK' }).format(amountOre / 100);
}

export function featureEnabled(enabled: TunetPayload<'feature.enabled'>, occurredAt: Date): Render {
  const link = clientRoutes.subscription();
  return bilingual(occurredAt, {
    nb: (association, clock) => {
      const name = featureName(enabled.feature, 'nb');
      return {
        title: `${name} er slått på`,
        body: paragraphs(
          `${name} er nå tatt i bruk i ${association.name}.`,
          enabled.status === 'trial' && enabled.trialEndsOn
            ? `Prøveperioden slutter ${clock.date(enabled.trialEndsOn)}. Deretter fornyes abonnementet automatisk til det sies opp.`
            : 'Abonnementet fornyes automatisk for hver periode til det sies opp.',
        ),
        link,
        action: 'Se abonnementet',
      };
    },
    en: (association, clock) => {
      const name = featureName(enabled.feature, 'en');
      return {
        title: `${capitalised(name)} is on`,
        body: paragraphs(
          `${capitalised(name)} can now be used in ${association.name}.`,
          enabled.status === 'trial' && enabled.trialEndsOn
            ? `The trial ends on ${clock.date(enabled.trialEndsOn)}. After that the subscription renews automatically until cancelled.`
            : 'The subscription renews automatically each period until cancelled.',
        ),
        link,
        action: 'See the subscription',
      };
    },
  });
}

const DISABLED_REASONS: Record<TunetPayload<'feature.disabled'>['reason'], Record<Locale, string>> = {
  cancelled: { nb: 'Abonnementet er sagt opp, og den betalte perioden er over.', en: 'The subscription was cancelled, and the paid period has ended.' },
  ended_by_operator: { nb: 'Leverandøren har avsluttet abonnementet.', en: 'The provider ended the subscription.' },
  trial_ended: { nb: 'Prøveperioden er over.', en: 'The trial has ended.' },
  withdrawn: { nb: 'Leverandøren har avviklet tjenesten, som varslet.', en: 'The provider has withdrawn it, as announced.' },
};

export function featureDisabled(disabled: TunetPayload<'feature.disabled'>, occurredAt: Date): Render {
  const link = clientRoutes.subscription();
  return bilingual(occurredAt, {
    nb: (association) => {
      const name = featureName(disabled.feature, 'nb');
      return {
        title: `${name} er slått av`,
        body: paragraphs(`${name} er ikke lenger i bruk i ${association.name}.`, DISABLED_REASONS[disabled.reason].nb),
        link,
        action: 'Se abonnementet',
      };
    },
    en: (association) => {
      const name = featureName(disabled.feature, 'en');
      return {
        title: `${capitalised(name)} is off`,
        body: paragraphs(`${capitalised(name)} is no longer in use in ${association.name}.`, DISABLED_REASONS[disabled.reason].en),
        link,
        action: 'See the subscription',
      };
    },
  });
}

export function featurePastDue(pastDue: TunetPayload<'feature.past_due'>, occurredAt: Date): Render {
  const link = clientRoutes.invoice(pastDue.invoiceId);
  return bilingual(occurredAt, {
    nb: (_association, clock) => {
      const name = featureName(pastDue.feature, 'nb');
      return {
        title: `Ubetalt faktura for ${name}`,
        body: paragraphs(
          `Fakturaen for ${name} forfalt ${clock.date(pastDue.dueOn)} og er ikke betalt.`,
          `Er den ikke betalt innen ${clock.date(pastDue.blocksOn)}, stenges ${name} til den er betalt. Ingenting av det dere har lagret, går tapt.`,
        ),
        link,
        action: 'Se fakturaen',
      };
    },
    en: (_association, clock) => {
      const name = featureName(pastDue.feature, 'en');
      return {
        title: `Unpaid invoice for ${name}`,
        body: paragraphs(
          `The invoice for ${name} was due on ${clock.date(pastDue.dueOn)} and has not been paid.`,
          `Unless it is paid by ${clock.date(pastDue.blocksOn)}, ${name} is blocked until it is. Nothing you have stored is lost.`,
        ),
        link,
        action: 'See the invoice',
      };
    },
  });
}

export function featureBlocked(blocked: TunetPayload<'feature.blocked'>, occurredAt: Date): Render {
  const link = clientRoutes.invoice(blocked.invoiceId);
  return bilingual(occurredAt, {
    nb: () => {
      const name = featureName(blocked.feature, 'nb');
      return {
        title: `${name} er stengt`,
        body: paragraphs(
          `${name} er stengt fordi fakturaen ikke er betalt.`,
          `Når fakturaen er betalt, åpnes ${name} igjen med en gang, med alt dere har lagret.`,
        ),
        link,
        action: 'Se fakturaen',
      };
    },
    en: () => {
      const name = featureName(blocked.feature, 'en');
      return {
        title: `${capitalised(name)} is blocked`,
        body: paragraphs(
          `${capitalised(name)} is blocked because its invoice has not been paid.`,
          `Once the invoice is paid, ${name} opens again at once, with everything you stored.`,
        ),
        link,
        action: 'See the invoice',
      };
    },
  });
}

export function invoiceIssued(invoice: TunetPayload<'invoice.issued'>, occurredAt: Date): Render {
  const link = clientRoutes.invoice(invoice.invoiceId);
  return bilingual(occurredAt, {
    nb: (association, clock) => {
      const name = featureName(invoice.feature, 'nb');
      return {
        title: `Ny faktura: ${name}, ${kroner(invoice.amountOre, 'nb')}`,
        body: paragraphs(
          `${association.name} har fått en faktura på ${kroner(invoice.amountOre, 'nb')} for ${name}, perioden ${clock.date(invoice.periodStart)}–${clock.date(lastDayBefore(invoice.periodEnd))}.`,
          `Fakturadato ${clock.date(invoice.issuedOn)}, forfall ${clock.date(invoice.dueOn)}.`,
        ),
        link,
        action: 'Se fakturaen',
      };
    },
    en: (association, clock) => {
      const name = featureName(invoice.feature, 'en');
      return {
        title: `New invoice: ${name}, ${kroner(invoice.amountOre, 'en')}`,
        body: paragraphs(
          `${association.name} has an invoice of ${kroner(invoice.amountOre, 'en')} for ${name}, for ${clock.date(invoice.periodStart)}–${clock.date(lastDayBefore(invoice.periodEnd))}.`,
          `Issued ${clock.date(invoice.issuedOn)}, due ${clock.date(invoice.dueOn)}.`,
        ),
        link,
        action: 'See the invoice',
      };
    },
  });
}

export function invoicePaid(invoice: TunetPayload<'invoice.paid'>, occurredAt: Date): Render {
  const link = clientRoutes.invoice(invoice.invoiceId);
  return bilingual(occurredAt, {
    nb: (_association, clock) => {
      const name = featureName(invoice.feature, 'nb');
      return {
        title: `Faktura betalt: ${name}`,
        body: paragraphs(`Fakturaen på ${kroner(invoice.amountOre, 'nb')} for ${name} er registrert som betalt ${clock.dateTime(invoice.paidAt)}. Takk!`),
        link,
        action: 'Se fakturaen',
      };
    },
    en: (_association, clock) => {
      const name = featureName(invoice.feature, 'en');
      return {
        title: `Invoice paid: ${name}`,
        body: paragraphs(`The invoice of ${kroner(invoice.amountOre, 'en')} for ${name} was recorded as paid on ${clock.dateTime(invoice.paidAt)}. Thank you!`),
        link,
        action: 'See the invoice',
      };
    },
  });
}

export function withdrawalAnnounced(withdrawal: TunetPayload<'feature.withdrawal_announced'>, occurredAt: Date): Render {
  const link = clientRoutes.subscription();
  return bilingual(occurredAt, {
    nb: (association, clock) => {
      const name = featureName(withdrawal.feature, 'nb');
      return {
        title: `${name} avvikles ${clock.date(withdrawal.endsOn)}`,
        body: paragraphs(
          `Leverandøren avvikler ${name}. Tjenesten stopper for ${association.name} ${clock.date(withdrawal.endsOn)} og faktureres ikke fra da.`,
          'Ta vare på det dere trenger fra den før den dagen.',
        ),
        link,
        action: 'Se abonnementet',
      };
    },
    en: (association, clock) => {
      const name = featureName(withdrawal.feature, 'en');
      return {
        title: `${capitalised(name)} ends on ${clock.date(withdrawal.endsOn)}`,
        body: paragraphs(
          `The provider is withdrawing ${name}. It stops for ${association.name} on ${clock.date(withdrawal.endsOn)} and is not invoiced from then on.`,
          'Keep what you need from it before that day.',
        ),
        link,
        action: 'See the subscription',
      };
    },
  });
}

export function termsAnnounced(terms: TunetPayload<'terms.version_announced'>, occurredAt: Date): Render {
  const link = clientRoutes.terms();
  return bilingual(occurredAt, {
    nb: (association, clock) => ({
      title: `Nye vilkår for Tunet fra ${clock.date(terms.effectiveOn)}`,
      body: paragraphs(
        `Versjon ${terms.version} av vilkårene for Tunet gjelder fra ${clock.date(terms.effectiveOn)}. Styret i ${association.name} må godta dem før den dagen.`,
        terms.summaryUrl && `Hva som endres: ${terms.summaryUrl}`,
      ),
      link,
      action: 'Les og godta vilkårene',
    }),
    en: (association, clock) => ({
      title: `New terms for Tunet from ${clock.date(terms.effectiveOn)}`,
      body: paragraphs(
        `Version ${terms.version} of the terms for Tunet applies from ${clock.date(terms.effectiveOn)}. The board of ${association.name} must accept it before that day.`,
        terms.summaryUrl && `What changes: ${terms.summaryUrl}`,
      ),
      link,
      action: 'Read and accept the terms',
    }),
  });
}
