import type { LawfulBasis, ReceiptEntry } from '@tunet/kit';
import { DateTime } from 'luxon';

/** A processing purpose of the association, from its purposes register. */
export interface ArchivePurpose {
  name: Record<Language, string>;
  lawfulBasis: LawfulBasis;
  description: Record<Language, string> | null;
}

/** A recipient of the data on the provider's behalf, from the sub-processor register. */
export interface ArchiveSubProcessor {
  name: string;
  purpose: Record<Language, string>;
  country: string;
  transferMechanism: string | null;
}

/**
 * What the summary says beyond the receipts. A register that is `null` could not be read (the summary says where
 * to ask instead of inventing an answer); an empty one is empty.
 */
export interface ArchiveContext {
  associationName: string | null;
  timeZone: string;
  privacyContact: string | null;
  purposes: readonly ArchivePurpose[] | null;
  subProcessors: readonly ArchiveSubProcessor[] | null;
}

export interface SummaryInput {
  context: ArchiveContext;
  /** Whose data; null for a terminated association's export of everything. */
  memberId: string | null;
  generatedAt: Date;
  /** Every subgraph's receipt entries, by subgraph. */
  receipts: readonly { subgraph: string; receipt: readonly ReceiptEntry[] }[];
  /** The archive's entries besides the summaries, as stored. */
  entries: readonly string[];
  /** Files a subgraph listed but deleted before the archive was built, as they would have been named. */
  deletedSince: readonly string[];
}

export type Language = 'nb' | 'en';

/** Datatilsynet, the Norwegian supervisory authority (GDPR art. 77). */
const AUTHORITY = {
  nb: 'Du kan klage til Datatilsynet: Postboks 458 Sentrum, 0105 Oslo, telefon 22 39 69 00, https://www.datatilsynet.no.',
  en: 'You may complain to the Norwegian Data Protection Authority (Datatilsynet): Postboks 458 Sentrum, 0105 Oslo, Norway, phone +47 22 39 69 00, https://www.datatilsynet.no.',
};

const BASIS: Record<LawfulBasis, Record<Language, string>> = {
  contract: { nb: 'avtale (art. 6 nr. 1 b)', en: 'contract (art. 6(1)(b))' },
  legal_obligation: { nb: 'rettslig forpliktelse (art. 6 nr. 1 c)', en: 'legal obligation (art. 6(1)(c))' },
  legitimate_interest: { nb: 'berettiget interesse (art. 6 nr. 1 f)', en: 'legitimate interest (art. 6(1)(f))' },
  consent: { nb: 'samtykke (art. 6 nr. 1 a)', en: 'consent (art. 6(1)(a))' },
};

const TEXT = {
  title: { nb: 'Innsyn i personopplysninger', en: 'Your personal data' },
  associationTitle: { nb: 'Kopi av foreningens innhold', en: "A copy of the association's content" },
  associationIntro: {
    nb: (association: string, at: string) =>
      `Kopi av alt innholdet til ${association} ved avtalens opphør, laget ${at}. Arkivet inneholder én JSON-fil per tjeneste, én CSV-fil per tabell og de opplastede filene.`,
    en: (association: string, at: string) =>
      `A copy of all content of ${association} at the end of its agreement, made ${at}. The archive holds one JSON file per service, one CSV file per table and the uploaded files.`,
  },
  intro: {
    nb: (association: string, member: string, at: string) =>
      `Utlevert av ${association} (behandlingsansvarlig) for medlem ${member}, laget ${at}. Arkivet inneholder én JSON-fil per tjeneste, én CSV-fil per tabell og filene du har lastet opp.`,
    en: (association: string, member: string, at: string) =>
      `Provided by ${association} (the controller) for member ${member}, made ${at}. The archive holds one JSON file per service, one CSV file per table and the files you uploaded.`,
  },
  anAssociation: { nb: 'borettslaget/sameiet', en: 'the association' },
  contents: { nb: 'Innhold', en: 'Contents' },
  deletedSince: {
    nb: 'Disse filene ble slettet etter at tjenesten svarte, før arkivet ble laget, og er ikke med:',
    en: 'These files were deleted after the service answered, before the archive was made, and are not included:',
  },
  purposes: { nb: 'Formål og behandlingsgrunnlag', en: 'Purposes and lawful bases' },
  noPurposes: {
    nb: 'Foreningens formålsregister kunne ikke leses da arkivet ble laget. Behandlingsgrunnlagene for hver tabell står under «Oppbevaring»; spør personvernkontakten om formålene.',
    en: "The association's register of purposes could not be read when the archive was made. The lawful basis of every table is under “Retention”; ask the privacy contact for the purposes.",
  },
  recipients: { nb: 'Mottakere (underdatabehandlere)', en: 'Recipients (sub-processors)' },
  noRecipients: {
    nb: 'Registeret over underdatabehandlere kunne ikke leses da arkivet ble laget; spør personvernkontakten.',
    en: 'The register of sub-processors could not be read when the archive was made; ask the privacy contact.',
  },
  none: { nb: 'Ingen.', en: 'None.' },
  retention: { nb: 'Oppbevaring per tabell', en: 'Retention per table' },
  header: {
    nb: '| Tjeneste | Tabell | Rader | Grunnlag | Oppbevares til | Merknad |',
    en: '| Service | Table | Rows | Lawful basis | Kept until | Note |',
  },
  untilEvent: { nb: 'så lenge grunnlaget varer', en: 'while the basis lasts' },
  complain: { nb: 'Klage', en: 'Complaints' },
  contact: { nb: 'Personvernkontakt', en: 'Privacy contact' },
  noContact: {
    nb: 'Foreningen har ikke oppgitt en egen personvernkontakt; kontakt styret.',
    en: 'The association has not named a privacy contact; contact its board.',
  },
  transfer: { nb: 'overføringsgrunnlag', en: 'transfer mechanism' },
};

/** Text from a register or an answer, made inert in Markdown (no links, tables or HTML of its own). */
export function inert(text: string): string {
  return text.replace(/[\r\n]+/g, ' ').replace(/([\\`*_{}[\]()#+!|<>~])/g, '\\$1');
}

/** The summary in Norwegian (`nb`) or English (`en`), as Markdown. Pure: everything it says comes from its input. */
export function renderSummary(input: SummaryInput, language: Language): string {
  const { context } = input;
  const at = DateTime.fromJSDate(input.generatedAt, { zone: context.timeZone }).toFormat('yyyy-MM-dd HH:mm ZZZZ');
  const association = context.associationName ? inert(context.associationName) : TEXT.anAssociation[language];
  const lines =
    input.memberId === null
      ? [`# ${TEXT.associationTitle[language]}`, '', TEXT.associationIntro[language](association, at), '']
      : [`# ${TEXT.title[language]}`, '', TEXT.intro[language](association, input.memberId, at), ''];

  lines.push(`## ${TEXT.contents[language]}`, '', ...input.entries.map((entry) => `- \`${entry}\``), '');
  if (input.deletedSince.length > 0) lines.push(TEXT.deletedSince[language], '', ...input.deletedSince.map((entry) => `- \`${entry}\``), '');

  lines.push(`## ${TEXT.purposes[language]}`, '');
  if (context.purposes === null) lines.push(TEXT.noPurposes[language]);
  else if (context.purposes.length === 0) lines.push(TEXT.none[language]);
  else
    for (const purpose of context.purposes) {
      const description = purpose.description?.[language] ? `: ${inert(purpose.description[language])}` : '';
      lines.push(`- **${inert(purpose.name[language])}** — ${BASIS[purpose.lawfulBasis][language]}${description}`);
    }
  lines.push('');

  lines.push(`## ${TEXT.recipients[language]}`, '');
  if (context.subProcessors === null) lines.push(TEXT.noRecipients[language]);
  else if (context.subProcessors.length === 0) lines.push(TEXT.none[language]);
  else
    for (const recipient of context.subProcessors) {
      const transfer = recipient.transferMechanism ? `; ${TEXT.transfer[language]}: ${inert(recipient.transferMechanism)}` : '';
      lines.push(`- **${inert(recipient.name)}** (${inert(recipient.country)}) — ${inert(recipient.purpose[language])}${transfer}`);
    }
  lines.push('');

  lines.push(`## ${TEXT.retention[language]}`, '', TEXT.header[language], '|---|---|---:|---|---|---|');
  for (const { subgraph, receipt } of input.receipts) {
    for (const entry of receipt) {
      const until = entry.keptUntil ?? TEXT.untilEvent[language];
      const note = entry.note ? inert(entry.note) : '';
      lines.push(`| ${inert(subgraph)} | ${inert(entry.table)} | ${entry.rows} | ${BASIS[entry.lawfulBasis][language]} | ${until} | ${note} |`);
    }
  }
  lines.push('');

  lines.push(`## ${TEXT.complain[language]}`, '', AUTHORITY[language], '');
  lines.push(`## ${TEXT.contact[language]}`, '', context.privacyContact ? inert(context.privacyContact) : TEXT.noContact[language], '');
  return lines.join('\n');
}
