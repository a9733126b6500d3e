import type { LocationKind, ServiceRequestCategory, ServiceRequestStatus, ServiceRequestUrgency } from '../tables';
import type { ReportedRequest } from './reporting.rules';

export type CsvLanguage = 'nb' | 'en';

/** One request as the export lists it. */
export interface ExportedRequest extends ReportedRequest {
  id: string;
  title: string;
  urgency: ServiceRequestUrgency;
  locationKind: LocationKind;
  place: string | null;
}

const TEXTS = {
  nb: {
    header: ['Meldt', 'Kategori', 'Status', 'Hastegrad', 'Tittel', 'Sted', 'Først mottatt', 'Først løst', 'Timer til mottatt', 'Timer til løst', 'Referanse'],
    status: {
      new: 'Ny',
      acknowledged: 'Mottatt',
      in_progress: 'Under arbeid',
      waiting: 'Venter',
      resolved: 'Løst',
      closed: 'Lukket',
      rejected: 'Avvist',
    },
    category: {
      plumbing: 'Rørlegger',
      electrical: 'Elektro',
      heating_ventilation: 'Varme og ventilasjon',
      common_areas: 'Fellesarealer',
      outdoor: 'Uteområder',
      security_locks: 'Sikkerhet og låser',
      other: 'Annet',
    },
    urgency: { normal: 'Normal', urgent: 'Haster' },
    location: { unit: 'Egen bolig', building: 'Bygning', common_area: 'Fellesareal' },
    decimal: ',',
  },
  en: {
    header: [
      'Reported',
      'Category',
      'Status',
      'Urgency',
      'Title',
      'Location',
      'First acknowledged',
      'First resolved',
      'Hours to acknowledge',
      'Hours to resolve',
      'Reference',
    ],
    status: {
      new: 'New',
      acknowledged: 'Acknowledged',
      in_progress: 'In progress',
      waiting: 'Waiting',
      resolved: 'Resolved',
      closed: 'Closed',
      rejected: 'Rejected',
    },
    category: {
      plumbing: 'Plumbing',
      electrical: 'Electrical',
      heating_ventilation: 'Heating and ventilation',
      common_areas: 'Common areas',
      outdoor: 'Outdoor',
      security_locks: 'Security and locks',
      other: 'Other',
    },
    urgency: { normal: 'Normal', urgent: 'Urgent' },
    location: { unit: 'Own unit', building: 'Building', common_area: 'Common area' },
    decimal: '.',
  },
} satisfies Record<
  CsvLanguage,
  {
    header: string[];
    status: Record<ServiceRequestStatus, string>;
    category: Record<ServiceRequestCategory, string>;
    urgency: Record<ServiceRequestUrgency, string>;
    location: Record<LocationKind, string>;
    decimal: string;
  }
>;

/**
 * One cell. A spreadsheet runs a cell that starts with = + - @ (or a tab or CR it skips) as a formula, so such a cell
 * gets a leading `'` and is read as text; a cell with the separator, a quote or a line break is quoted, quotes doubled.
 */
export function csvCell(value: string): string {
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[;"\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * Local times in the association's zone, `2026-03-05 14:30`, which Excel reads as dates and times. One Intl formatter
 * per export: a year's export has tens of thousands of times, and luxon per cell took seconds of the event loop.
 */
function localTimes(zone: string): (at: Date | null) => string {
  const format = new Intl.DateTimeFormat('en-GB', {
    timeZone: zone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  });
  return (at) => {
    if (!at) return '';
    const part = Object.fromEntries(format.formatToParts(at).map((p) => [p.type, p.value]));
    return `${part.year}-${part.month}-${part.day} ${part.hour}:${part.minute}`;
  };
}

/** Hours with one decimal, with the language's decimal mark (Norwegian Excel reads `2,5`, not `2.5`). */
function hours(at: Date | null, since: Date, decimal: string): string {
  if (!at) return '';
  return ((at.getTime() - since.getTime()) / 3_600_000).toFixed(1).replace('.', decimal);
}

/**
 * The requests reported in a period as CSV for Excel (decision 0044): a UTF-8 byte-order mark (so Excel reads æøå as
 * UTF-8), `;` between cells (the list separator of Norwegian Excel, in which `,` is the decimal mark), a header row,
 * CRLF line ends, times in the association's zone. No description, reporter or comment: the board's summary only.
 */
export function requestsCsv(requests: readonly ExportedRequest[], language: CsvLanguage, timeZone: string): string {
  const t = TEXTS[language];
  const localTime = localTimes(timeZone);
  const rows = requests.map((r) => [
    localTime(r.createdAt),
    t.category[r.category],
    t.status[r.status],
    t.urgency[r.urgency],
    r.title,
    r.place ? `${t.location[r.locationKind]}: ${r.place}` : t.location[r.locationKind],
    localTime(r.firstAcknowledgedAt),
    localTime(r.firstResolvedAt),
    hours(r.firstAcknowledgedAt, r.createdAt, t.decimal),
    hours(r.firstResolvedAt, r.createdAt, t.decimal),
    r.id,
  ]);
  return '\uFEFF' + [t.header, ...rows].map((row) => row.map(csvCell).join(';') + '\r\n').join('');
}
