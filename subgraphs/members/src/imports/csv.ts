import { badUserInput } from '@tunet/kit';
import type { RawRow, RowField } from './import-rows';

/** One CSV record and the line it starts on (the header is line 1). */
export interface CsvRecord {
  line: number;
  fields: string[];
}

/**
 * Header names, Norwegian and English, compared in lower case without spaces, `-` and `_` (so `E-post`,
 * `share_number` and `Move in` all match). An unknown header is refused rather than ignored: a column the
 * import silently dropped (say `mobil` for the phone) would look like a successful import.
 */
const COLUMNS: Record<string, RowField> = {
  andelsnummer: 'shareNumber',
  sharenumber: 'shareNumber',
  bygning: 'building',
  building: 'building',
  leilighet: 'unitNumber',
  unit: 'unitNumber',
  unitnumber: 'unitNumber',
  navn: 'name',
  name: 'name',
  epost: 'email',
  email: 'email',
  telefon: 'phone',
  phone: 'phone',
  relasjon: 'relation',
  relation: 'relation',
  kontraktsnummer: 'contractNumber',
  contractnumber: 'contractNumber',
  innflytting: 'moveIn',
  movein: 'moveIn',
  utflytting: 'moveOut',
  moveout: 'moveOut',
};
const KNOWN_COLUMNS =
  'Known columns: andelsnummer, bygning, leilighet, navn, e-post, telefon, relasjon, kontraktsnummer, innflytting, ' +
  'utflytting, or in English share_number, building, unit, name, email, phone, relation, contract_number, move_in, move_out.';

/**
 * The rows of an uploaded CSV, keyed by field. Structural problems (no header, unknown or missing columns, an
 * unclosed quote) fail the whole upload with BAD_USER_INPUT on `csv`; a line with the wrong number of fields
 * becomes a malformed row that validation rejects on its own.
 */
export function readCsvRows(csv: string): RawRow[] {
  const text = csv.startsWith('\uFEFF') ? csv.slice(1) : csv;
  const [header, ...records] = parseCsv(text, detectDelimiter(text));
  if (!header) throw badUserInput('csv', 'The CSV is empty: it needs a header line and one line per row.');
  const columns = columnsOf(header.fields);
  return records.map((record) => toRawRow(record, columns));
}

/**
 * `;` is what Norwegian spreadsheets write (the comma is the decimal sign), `,` what most systems write; the header
 * line decides, since our column names contain neither.
 */
export function detectDelimiter(text: string): ';' | ',' {
  const end = text.search(/[\r\n]/);
  const headerLine = end === -1 ? text : text.slice(0, end);
  const count = (c: string) => headerLine.split(c).length - 1;
  return count(',') > count(';') ? ',' : ';';
}

/**
 * Hand-written on purpose: csv-parse 7 numbers records by where they end and counts CRLF inside quoted fields
 * twice, and line numbers are what the import report is for.
 *
 * RFC 4180: a field in double quotes may hold the delimiter, line breaks and `""` for a quote; CRLF, LF or a lone
 * CR ends a record. Blank lines are skipped but counted, so line numbers are the ones an editor shows. A quote
 * inside an unquoted field is kept as a character, as spreadsheets do.
 */
export function parseCsv(text: string, delimiter: ';' | ','): CsvRecord[] {
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let fieldWasQuoted = false;
  let line = 1;
  let recordLine = 1;
  const endRecord = () => {
    fields.push(field);
    const blank = fields.length === 1 && field === '' && !fieldWasQuoted;
    if (!blank) records.push({ line: recordLine, fields });
    fields = [];
    field = '';
    fieldWasQuoted = false;
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') {
        quoted = false;
      } else {
        if (c === '\n' || (c === '\r' && text[i + 1] !== '\n')) line++;
        field += c;
      }
    } else if (c === '"' && field === '' && !fieldWasQuoted) {
      quoted = true;
      fieldWasQuoted = true;
    } else if (c === delimiter) {
      fields.push(field);
      field = '';
      fieldWasQuoted = false;
    } else if (c === '\r' || c === '\n') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      endRecord();
      recordLine = ++line;
    } else {
      field += c;
    }
  }
  if (quoted) throw badUserInput('csv', `Line ${recordLine}: a quoted field is never closed.`);
  if (field !== '' || fields.length > 0 || fieldWasQuoted) endRecord();
  return records;
}

/** Each header's field; null for a nameless column, as spreadsheets add for a trailing `;`, which is skipped. */
function columnsOf(headers: string[]): (RowField | null)[] {
  const columns = headers.map((header) => {
    const key = header
      .trim()
      .toLowerCase()
      .replace(/[\s_-]+/g, '');
    if (key === '') return null;
    const column = COLUMNS[key];
    if (!column) throw badUserInput('csv', `Line 1: unknown column "${header.trim()}". ${KNOWN_COLUMNS}`);
    return column;
  });
  const named = columns.filter((column): column is RowField => column !== null);
  const repeated = named.find((column, i) => named.indexOf(column) !== i);
  if (repeated) throw badUserInput('csv', `Line 1: two columns give ${repeated}.`);
  const has = (column: RowField) => named.includes(column);
  if (!has('name') || !has('relation')) throw badUserInput('csv', 'Line 1: the columns navn/name and relasjon/relation are required.');
  if (!has('shareNumber') && !(has('building') && has('unitNumber'))) {
    throw badUserInput('csv', 'Line 1: give the column andelsnummer/share_number, or bygning/building and leilighet/unit.');
  }
  return columns;
}

function toRawRow(record: CsvRecord, columns: (RowField | null)[]): RawRow {
  if (record.fields.length !== columns.length) {
    return { line: record.line, values: {}, malformed: `The line has ${record.fields.length} fields; the header has ${columns.length}.` };
  }
  const values: RawRow['values'] = {};
  columns.forEach((column, i) => {
    if (column) values[column] = record.fields[i]!;
  });
  return { line: record.line, values };
}
