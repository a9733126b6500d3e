/**
 * Pure rules for what goes into an export archive: CSV cells a spreadsheet reads as text, and entry names that
 * cannot leave the archive's folders when it is unpacked.
 */

/** Excel reads a UTF-8 file as UTF-8 (æ, ø, å) only when it starts with a byte-order mark. */
export const CSV_BOM = '\uFEFF';

/** A cell a spreadsheet would run as a formula (=, +, -, @, and the tab/CR tricks) gets a leading apostrophe. */
const FORMULA_START = /^[=+\-@\t\r]/;

/** One cell as text: null and undefined are empty, dates ISO, objects and arrays JSON. */
export function csvText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return value.toString();
  return JSON.stringify(value) ?? '';
}

/** RFC 4180: quoted when it holds a quote, comma, CR or LF (quotes doubled); a formula-looking cell defused first. */
export function csvCell(value: unknown): string {
  const raw = csvText(value);
  const text = FORMULA_START.test(raw) ? `'${raw}` : raw;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * One table as CSV with a BOM and CRLF line ends. The header is every column any row has, in the order first
 * seen, so rows of a table whose columns differ (JSON rows from an older version) still line up.
 */
export function tableCsv(rows: readonly Record<string, unknown>[]): string {
  const columns: string[] = [];
  for (const row of rows) for (const column of Object.keys(row)) if (!columns.includes(column)) columns.push(column);
  const lines = [columns.map(csvCell).join(','), ...rows.map((row) => columns.map((column) => csvCell(row[column])).join(','))];
  return `${CSV_BOM}${lines.join('\r\n')}\r\n`;
}

/**
 * A name that is one harmless path segment: no folders, no `..`, no control, bidi or reserved characters, at most
 * 100 characters, never empty. Names come from uploads and subgraph answers, so they are not trusted.
 */
export function safeEntryName(name: string): string {
  const cleaned = name
    .normalize('NFC')
    .replace(/[\p{Cc}\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu, '')
    .replace(/[/\\:*?"<>|]/g, '_')
    .replace(/^[.\s]+|[.\s]+$/g, '')
    .slice(0, 100)
    .replace(/[.\s]+$/g, '');
  return cleaned === '' ? 'file' : cleaned;
}

/** Subgraph and table names become folder and file names: lowercase letters, digits, `_` and `-` only. */
export function safeSegment(name: string): string {
  const cleaned = name
    .toLowerCase()
    .replace(/[^a-z0-9_-]/g, '_')
    .slice(0, 64);
  return cleaned === '' ? '_' : cleaned;
}
