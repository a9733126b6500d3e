import { CONSENT_PURPOSES, type LawfulBasis } from '@tunet/kit';

/** A text people read, in Norwegian (bokmål) and English. */
export interface LocalizedText {
  nb: string;
  en: string;
}

/** One entry of an association's register of processing purposes (docs/decisions/0038). */
export interface Purpose {
  key: string;
  name: LocalizedText;
  description: LocalizedText;
  lawfulBasis: LawfulBasis;
  dataCategories: string[];
  retention: LocalizedText;
  /** The text version a consent records; moves on with every change of name, description or retention. */
  version: number;
  /** One of Tunet's own purposes, which every association has and other subgraphs act on. */
  builtIn: boolean;
  /** Null for a built-in purpose whose texts the board never changed. */
  updatedAt: Date | null;
}

const builtIn = (purpose: Omit<Purpose, 'version' | 'builtIn' | 'updatedAt'>): Purpose => ({ ...purpose, version: 1, builtIn: true, updatedAt: null });

/**
 * What every association processes through Tunet, with the lawful basis the reference policies give it
 * (docs/decisions/0038). The three consent purposes are the ones other subgraphs act on (kit CONSENT_PURPOSES).
 */
export const BUILT_IN_PURPOSES: readonly Purpose[] = [
  builtIn({
    key: 'member_directory',
    name: { nb: 'Beboerregister', en: 'Member directory' },
    description: {
      nb: 'Navn, bolig og roller til dem som bor i laget, slik at styret kan drive laget og naboer vet hvem som bor der.',
      en: "The names, homes and roles of the association's residents, so the board can run it and neighbours know who lives there.",
    },
    lawfulBasis: 'contract',
    dataCategories: ['name', 'unit', 'roles'],
    retention: { nb: 'Til utflytting, deretter lagets slettefrist.', en: "Until moving out, then the association's retention period." },
  }),
  builtIn({
    key: CONSENT_PURPOSES.directoryContact,
    name: { nb: 'Kontaktinfo synlig for naboer', en: 'Contact details shown to residents' },
    description: {
      nb: 'E-postadressen og telefonnummeret ditt vises for de andre beboerne i beboerregisteret. Styret ser dem uansett.',
      en: 'Your e-mail address and phone number are shown to the other residents in the directory. The board sees them regardless.',
    },
    lawfulBasis: 'consent',
    dataCategories: ['email', 'phone'],
    retention: { nb: 'Til du trekker samtykket.', en: 'Until you withdraw your consent.' },
  }),
  builtIn({
    key: CONSENT_PURPOSES.directoryPortrait,
    name: { nb: 'Portrett synlig', en: 'Portrait shown' },
    description: {
      nb: 'Portrettbildet ditt vises for styret og de andre beboerne.',
      en: 'Your portrait is shown to the board and the other residents.',
    },
    lawfulBasis: 'consent',
    dataCategories: ['portrait'],
    retention: { nb: 'Til du trekker samtykket.', en: 'Until you withdraw your consent.' },
  }),
  builtIn({
    key: CONSENT_PURPOSES.newsletters,
    name: { nb: 'Nyhetsbrev', en: 'Newsletters' },
    description: {
      nb: 'Lagets nyhetsbrev og andre meldinger som ikke er nødvendige for boforholdet.',
      en: "The association's newsletters and other messages your tenancy does not require.",
    },
    lawfulBasis: 'consent',
    dataCategories: ['email', 'name'],
    retention: { nb: 'Til du trekker samtykket.', en: 'Until you withdraw your consent.' },
  }),
  builtIn({
    key: 'bookings',
    name: { nb: 'Booking av fellesarealer', en: 'Bookings of shared facilities' },
    description: {
      nb: 'Hvem som har booket hva og når, slik at lokaler og utstyr kan deles.',
      en: 'Who booked what and when, so rooms and equipment can be shared.',
    },
    lawfulBasis: 'contract',
    dataCategories: ['name', 'bookings'],
    retention: { nb: 'Til utflytting, deretter lagets slettefrist.', en: "Until moving out, then the association's retention period." },
  }),
  builtIn({
    key: 'accounting',
    name: { nb: 'Regnskap', en: 'Accounting' },
    description: {
      nb: 'Gebyrer for booking og fakturaer, som bokføringsloven krever at laget oppbevarer.',
      en: 'Booking charges and invoices, which the bookkeeping law requires the association to keep.',
    },
    lawfulBasis: 'legal_obligation',
    dataCategories: ['name', 'charges'],
    retention: {
      nb: '5 år etter utgangen av regnskapsåret (bokføringsloven § 13).',
      en: '5 years after the end of the fiscal year (bookføringsloven § 13).',
    },
  }),
  builtIn({
    key: 'security_logs',
    name: { nb: 'Sikkerhetslogger', en: 'Security logs' },
    description: {
      nb: 'Innlogginger og innsyn i personopplysninger, for å oppdage og oppklare misbruk.',
      en: 'Logins and reads of personal data, to detect and investigate misuse.',
    },
    lawfulBasis: 'legitimate_interest',
    dataCategories: ['account', 'ip_address', 'access_log'],
    retention: { nb: 'Inntil 12 måneder.', en: 'Up to 12 months.' },
  }),
];

/** The register: the built-in purposes (as the board worded them) followed by the association's own, by key. */
export function registerOf(stored: readonly Purpose[]): Purpose[] {
  const byKey = new Map(stored.map((purpose) => [purpose.key, purpose]));
  const builtIns = BUILT_IN_PURPOSES.map((purpose) => byKey.get(purpose.key) ?? purpose);
  const own = stored.filter((purpose) => !BUILT_IN_PURPOSES.some((b) => b.key === purpose.key)).sort((a, b) => a.key.localeCompare(b.key));
  return [...builtIns, ...own];
}

/** The most purposes an association may add: a register people can read, not a dumping ground. */
export const MAX_OWN_PURPOSES = 50;

export type PurposeChange = Omit<Purpose, 'version' | 'builtIn' | 'updatedAt'>;

/** Why a purpose cannot be saved as asked, with the input field to point at; null when it can. */
export function refusedPurposeChange(existing: Purpose | undefined, change: PurposeChange, ownCount: number): { field: string; message: string } | null {
  if (existing && existing.lawfulBasis !== change.lawfulBasis) {
    return {
      field: 'lawfulBasis',
      message: 'A purpose keeps the lawful basis it was registered with (consents and records refer to it); register a new purpose instead.',
    };
  }
  if (!existing && ownCount >= MAX_OWN_PURPOSES)
    return { field: 'key', message: `An association may register at most ${MAX_OWN_PURPOSES} purposes of its own.` };
  return null;
}

/** The version the saved purpose gets: the same when nothing people read changed, else the next. */
export function versionAfter(existing: Purpose | undefined, change: PurposeChange): number {
  if (!existing) return 1;
  const same = (a: LocalizedText, b: LocalizedText) => a.nb === b.nb && a.en === b.en;
  const unchanged = same(existing.name, change.name) && same(existing.description, change.description) && same(existing.retention, change.retention);
  return unchanged ? existing.version : existing.version + 1;
}
