import type { LawfulBasis } from '@tunet/kit';
import type { LocalizedText, Purpose } from '../purposes/purposes.rules';

/** A party of the records: the association (controller) or the provider (processor). */
export interface RecordsParty {
  name: string;
  organisationNumber: string | null;
  contactName: string | null;
  contactEmail: string | null;
}

/** A sub-processor as the records list it: a recipient, and a transfer when outside the EEA. */
export interface RecordsRecipient {
  name: string;
  purpose: LocalizedText;
  country: string;
  dataCategories: string[];
  transferMechanism: string;
}

/** The association's records of processing activities (GDPR art. 30(1)), as of `generatedAt`. */
export interface RecordsOfProcessing {
  generatedAt: Date;
  /** The association's IANA zone, in which the document's date is written. */
  timeZone: string;
  controller: RecordsParty;
  processor: RecordsParty;
  activities: Purpose[];
  recipients: RecordsRecipient[];
  /** Months after a move-out before a resident's data is erased (the association's setting). */
  retentionMonthsAfterMoveOut: number;
  securityMeasures: LocalizedText[];
}

/** What Tunet does to keep the data safe (art. 30(1)(g), art. 32), true of every deployment. */
export const SECURITY_MEASURES: readonly LocalizedText[] = [
  {
    nb: 'Hvert lags data er skilt fra andre lags i databasen med radnivåsikkerhet (row-level security) som alltid håndheves.',
    en: "Each association's data is kept apart from every other association's in the database by row-level security that is always enforced.",
  },
  {
    nb: 'Passord lagres bare som argon2-hash; tilgangsnøkler er kortlevde, og innlogginger kan trekkes tilbake.',
    en: 'Passwords are stored only as argon2 hashes; access tokens are short-lived and sessions can be revoked.',
  },
  {
    nb: 'Tjenestene i Tunet godtar bare signerte forespørsler fra hverandre.',
    en: "Tunet's services accept only signed requests from one another.",
  },
  {
    nb: 'Oppslag i andres personopplysninger (styret, integrasjoner, support) og endringer logges i en logg som avslører etterredigering.',
    en: "Reads of other people's personal data (by the board, integrations, support) and changes are logged in a tamper-evident log.",
  },
  {
    nb: 'Leverandørens support ser et lags data bare i en tidsbegrenset supportøkt med begrunnelse, som styret ser.',
    en: "The provider's support sees an association's data only in a time-limited support session with a reason, which the board sees.",
  },
];

const BASIS: Record<LawfulBasis, LocalizedText> = {
  contract: { nb: 'Avtale (art. 6(1)(b))', en: 'Contract (art. 6(1)(b))' },
  legal_obligation: { nb: 'Rettslig forpliktelse (art. 6(1)(c))', en: 'Legal obligation (art. 6(1)(c))' },
  legitimate_interest: { nb: 'Berettiget interesse (art. 6(1)(f))', en: 'Legitimate interest (art. 6(1)(f))' },
  consent: { nb: 'Samtykke (art. 6(1)(a))', en: 'Consent (art. 6(1)(a))' },
};

export type Language = 'nb' | 'en';

const HEADINGS = {
  nb: {
    title: 'Protokoll over behandlingsaktiviteter (personvernforordningen art. 30)',
    generated: 'Laget',
    controller: 'Behandlingsansvarlig',
    processor: 'Databehandler',
    activities: 'Formål og behandlinger',
    basis: 'Behandlingsgrunnlag',
    categories: 'Kategorier av personopplysninger',
    retention: 'Lagringstid',
    recipients: 'Mottakere og underdatabehandlere',
    country: 'Land',
    transfer: 'Overføringsgrunnlag',
    moveOut: (months: number) => `Personopplysninger om en som har flyttet ut, slettes ${months} måneder etter utflytting.`,
    security: 'Sikkerhetstiltak',
    orgNumber: 'Org.nr.',
    contact: 'Kontakt',
    none: 'ikke oppgitt',
  },
  en: {
    title: 'Records of processing activities (GDPR art. 30)',
    generated: 'Generated',
    controller: 'Controller',
    processor: 'Processor',
    activities: 'Purposes and processing',
    basis: 'Lawful basis',
    categories: 'Categories of personal data',
    retention: 'Retention',
    recipients: 'Recipients and sub-processors',
    country: 'Country',
    transfer: 'Transfer mechanism',
    moveOut: (months: number) => `The personal data of someone who moved out is erased ${months} months after the move.`,
    security: 'Security measures',
    orgNumber: 'Org. no.',
    contact: 'Contact',
    none: 'not given',
  },
} as const;

// Markdown from people's text: emphasis, code, links, headings, tables and HTML escaped, line breaks folded.
const md = (text: string) => text.replace(/[\\`*_[\]<>#|]/g, (c) => `\\${c}`).replace(/\s*\n\s*/g, ' ');

function party(records: RecordsOfProcessing['controller'], language: Language): string {
  const h = HEADINGS[language];
  const contact = [records.contactName, records.contactEmail].filter(Boolean).join(', ');
  return [
    `- ${md(records.name)}`,
    `- ${h.orgNumber}: ${records.organisationNumber ? md(records.organisationNumber) : h.none}`,
    `- ${h.contact}: ${contact ? md(contact) : h.none}`,
  ].join('\n');
}

/** The records as one Markdown document in `language`. */
export function recordsMarkdown(records: RecordsOfProcessing, language: Language): string {
  const h = HEADINGS[language];
  const generated = records.generatedAt.toLocaleString(language === 'nb' ? 'nb-NO' : 'en-GB', {
    timeZone: records.timeZone,
    dateStyle: 'long',
    timeStyle: 'short',
  });
  const lines = [`# ${h.title}`, '', `${h.generated}: ${generated}`, '', `## ${h.controller}`, party(records.controller, language), ''];
  lines.push(`## ${h.processor}`, party(records.processor, language), '', `## ${h.activities}`, '');
  for (const activity of records.activities) {
    lines.push(
      `### ${md(activity.name[language])}`,
      md(activity.description[language]),
      '',
      `- ${h.basis}: ${BASIS[activity.lawfulBasis][language]}`,
      `- ${h.categories}: ${activity.dataCategories.map(md).join(', ')}`,
      `- ${h.retention}: ${md(activity.retention[language])}`,
      '',
    );
  }
  lines.push(h.moveOut(records.retentionMonthsAfterMoveOut), '', `## ${h.recipients}`, '');
  for (const recipient of records.recipients) {
    lines.push(
      `### ${md(recipient.name)}`,
      md(recipient.purpose[language]),
      '',
      `- ${h.country}: ${md(recipient.country)}`,
      `- ${h.categories}: ${recipient.dataCategories.map(md).join(', ')}`,
      `- ${h.transfer}: ${md(recipient.transferMechanism)}`,
      '',
    );
  }
  lines.push(`## ${h.security}`, '', ...records.securityMeasures.map((measure) => `- ${md(measure[language])}`), '');
  return lines.join('\n');
}

// RFC 4180: every field quoted, quotes doubled; a leading =, +, - or @ is prefixed so a spreadsheet runs no formula.
const csvField = (value: string) => `"${(/^[=+\-@]/.test(value) ? `'${value}` : value).replace(/"/g, '""')}"`;

/** The activities as CSV in `language`, one row per purpose, for a spreadsheet. */
export function recordsCsv(records: RecordsOfProcessing, language: Language): string {
  const h = HEADINGS[language];
  const header = ['key', h.activities, h.basis, h.categories, h.retention];
  const rows = records.activities.map((a) => [a.key, a.name[language], BASIS[a.lawfulBasis][language], a.dataCategories.join(', '), a.retention[language]]);
  return [header, ...rows].map((row) => row.map(csvField).join(',')).join('\r\n') + '\r\n';
}
