import { DateTime } from 'luxon';
import { inert } from './archive-summary.rules';
import type { ClosureRow, ClosureStep, HandoverEntry } from './closures.repository';

export interface DeletionReceiptInput {
  closure: ClosureRow;
  /** Every subgraph's erase step, each confirmed. */
  steps: readonly ClosureStep[];
  /** The privacy subgraph's own rows deleted, per table, and the append-only tables its role cannot delete from. */
  own: { erased: Readonly<Record<string, number>>; appendOnly: readonly string[] };
  /** The download links the provider issued for the copy, oldest first. */
  handover: readonly HandoverEntry[];
  erasedAt: Date;
}

type Language = 'nb' | 'en';

const TEXT = {
  title: { nb: 'Bekreftelse på sletting', en: 'Confirmation of deletion' },
  intro: {
    nb: (association: string, terminatedOn: string, until: string) =>
      `Avtalen med foreningen ${association} opphørte ${terminatedOn}. Kopien av innholdet var tilgjengelig til og med ${until}. Deretter er alle foreningens data slettet fra Tunet, som oppsummert under (databehandleravtalen: sletting etter avtalens opphør, dokumentert skriftlig).`,
    en: (association: string, terminatedOn: string, until: string) =>
      `The agreement with association ${association} ended on ${terminatedOn}. The copy of its content was available until ${until} inclusive. Since then every piece of the association's data has been deleted from Tunet, as summarised below (data processing agreement: deletion after the agreement ended, documented in writing).`,
  },
  completed: { nb: 'Slettingen ble fullført', en: 'Deletion completed' },
  handover: {
    nb: 'Kopien ble utlevert gjennom disse nedlastingslenkene fra Tunet:',
    en: 'The copy was handed over through these download links from Tunet:',
  },
  handoverHeader: { nb: '| Utstedt | Gyldig til | Nedlastinger | Siste nedlasting |', en: '| Issued | Valid until | Downloads | Last download |' },
  noHandover: {
    nb: 'Ingen nedlastingslenke til kopien ble utstedt før den ble slettet.',
    en: 'No download link to the copy was issued before it was deleted.',
  },
  deadline: { nb: 'frist', en: 'deadline' },
  header: { nb: '| Tjeneste | Tabell | Handling | Rader | Bekreftet |', en: '| Service | Table | Action | Rows | Confirmed |' },
  kept: {
    nb: 'Beholdt etter lov (oppbevares til oppgitt dato, deretter slettet):',
    en: 'Kept by law (until the date given, then deleted):',
  },
  appendOnly: {
    nb: 'den pseudonyme, uforanderlige tilgangsloggen (beslutning 0039); slettes ikke av denne jobben',
    en: 'the pseudonymous append-only access log (decision 0039); not deleted by this job',
  },
  backups: {
    nb: 'Sikkerhetskopier av databasen styres av driftsmiljøet, ikke av Tunet; operatøren bekrefter deres rotasjon særskilt.',
    en: 'Database backups are governed by the hosting environment, not by Tunet; the operator confirms their rotation separately.',
  },
};

const at = (instant: Date, zone: string) => DateTime.fromJSDate(instant, { zone }).toFormat('yyyy-MM-dd HH:mm ZZZZ');

/** The written receipt an operator sends the association (Markdown). Pure: it says only what the input holds. */
export function renderDeletionReceipt(input: DeletionReceiptInput, language: Language): string {
  const { closure } = input;
  const zone = closure.timeZone;
  const lines = [
    `# ${TEXT.title[language]}`,
    '',
    TEXT.intro[language](closure.associationId, closure.terminatedOn, closure.availableUntil),
    '',
    `${TEXT.completed[language]}: ${at(input.erasedAt, zone)} (${TEXT.deadline[language]} ${closure.eraseBy}).`,
    '',
    ...handoverLines(input.handover, zone, language),
    TEXT.header[language],
    '|---|---|---|---:|---|',
  ];
  const kept: string[] = [];
  for (const step of input.steps) {
    const confirmed = step.doneAt ? at(step.doneAt, zone) : '';
    for (const entry of step.receipt ?? []) {
      lines.push(`| ${inert(step.subgraph)} | ${inert(entry.table)} | ${entry.action} | ${entry.rows} | ${confirmed} |`);
      if (entry.action === 'kept' && entry.rows > 0)
        kept.push(`- ${inert(step.subgraph)}.${inert(entry.table)}: ${entry.rows} (${entry.keptUntil ?? '—'}${entry.note ? `; ${inert(entry.note)}` : ''})`);
    }
  }
  for (const [table, rows] of Object.entries(input.own.erased)) lines.push(`| privacy | ${inert(table)} | erased | ${rows} | ${at(input.erasedAt, zone)} |`);
  for (const table of input.own.appendOnly) {
    lines.push(`| privacy | ${inert(table)} | kept | — | ${at(input.erasedAt, zone)} |`);
    kept.push(`- privacy.${inert(table)}: ${TEXT.appendOnly[language]}`);
  }
  lines.push('');
  if (kept.length > 0) lines.push(TEXT.kept[language], '', ...kept, '');
  lines.push(TEXT.backups[language], '');
  return lines.join('\n');
}

function handoverLines(handover: readonly HandoverEntry[], zone: string, language: Language): string[] {
  if (handover.length === 0) return [TEXT.noHandover[language], ''];
  const rows = handover.map(
    (link) => `| ${at(link.issuedAt, zone)} | ${at(link.expiresAt, zone)} | ${link.downloads} | ${link.lastDownloadAt ? at(link.lastDownloadAt, zone) : '—'} |`,
  );
  return [TEXT.handover[language], '', TEXT.handoverHeader[language], '|---|---|---:|---|', ...rows, ''];
}
