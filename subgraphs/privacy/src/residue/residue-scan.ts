import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { sql, type SQL } from 'drizzle-orm';
import type { DatabaseConnection, FastStore } from '@tunet/kit';
import { allowedResidue, type AllowedResidue } from './residue-allow-list';

/**
 * The residue scan (docs/decisions/0039): after a person is erased, search every column of every table of every
 * subgraph schema (read from the database catalogue, so a new table is scanned without anyone listing it), the
 * event stream in Redis and the stored files for what identifies them. Whatever is found outside the allow-list is
 * residue: data the erasure should have removed.
 */

/** What identifies the person: names, e-mail addresses, phone numbers, ids (member, account, file, …), file contents. */
export interface Needles {
  names: readonly string[];
  emails: readonly string[];
  phones: readonly string[];
  ids: readonly string[];
  /** Distinctive text from the person's uploaded files. */
  texts: readonly string[];
}

export interface ResidueHit {
  /** `schema.table.column`, `stream` or `files`. */
  location: string;
  needle: string;
  /** Rows (database), entries (stream) or files that hold it. */
  count: number;
  /** The allow-list entry that explains it, when one does. */
  allowed: AllowedResidue | null;
}

const SEARCHABLE = new Set(['text', 'character varying', 'character', 'json', 'jsonb', 'uuid', 'ARRAY', 'USER-DEFINED', 'bytea', 'inet', 'citext']);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Shorter needles match by chance (a two-letter name in every text); the command refuses them. */
export const MIN_NEEDLE_LENGTH = 4;

/** Every string to look for, lower-cased; a phone also as its digits alone (+47 912 34 567 → 4791234567, 91234567). */
export function needleList(needles: Needles): string[] {
  const phones = needles.phones.flatMap((phone) => {
    const digits = phone.replace(/\D/g, '');
    return [phone, digits, digits.startsWith('47') && digits.length === 10 ? digits.slice(2) : digits];
  });
  const all = [...needles.names, ...needles.emails, ...phones, ...needles.ids, ...needles.texts].map((n) => n.trim().toLowerCase());
  return [...new Set(all.filter((n) => n.length > 0))];
}

export function tooShort(needles: Needles): string[] {
  return needleList(needles).filter((n) => n.length < MIN_NEEDLE_LENGTH);
}

interface Column {
  schema: string;
  table: string;
  column: string;
  type: string;
}

async function columnsOf(database: DatabaseConnection, schemas: readonly string[]): Promise<Column[]> {
  const rows = await database.ownerTransaction(async (tx) => {
    const result = await tx.execute(sql`
      select c.table_schema as schema, c.table_name as "table", c.column_name as column, c.data_type as type
      from information_schema.columns c
      join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name and t.table_type = 'BASE TABLE'
      where c.table_schema in (${sql.join(
        schemas.map((s) => sql`${s}`),
        sql`, `,
      )})
      order by 1, 2, 3`);
    return (result as { rows: Column[] }).rows;
  });
  return rows.filter((column) => SEARCHABLE.has(column.type));
}

/** The condition that a column holds the needle: a uuid column only by equality, anything else as text, case-blind. */
function holds(column: Column, needle: string): SQL | null {
  const value = sql.raw(quote(column.column));
  if (column.type === 'uuid') return UUID.test(needle) ? sql`${value} = ${needle}::uuid` : null;
  if (column.type === 'bytea') return sql`strpos(lower(convert_from(${value}, 'LATIN1')), ${needle}) > 0`;
  return sql`strpos(lower(${value}::text), ${needle}) > 0`;
}

function quote(identifier: string): string {
  return `"${identifier.replace(/"/g, '""')}"`;
}

/** One statement per table counts, for every column and needle, the rows that hold it. */
export async function scanDatabase(database: DatabaseConnection, schemas: readonly string[], needles: readonly string[]): Promise<ResidueHit[]> {
  const byTable = new Map<string, Column[]>();
  for (const column of await columnsOf(database, schemas)) {
    const key = `${column.schema}.${column.table}`;
    byTable.set(key, [...(byTable.get(key) ?? []), column]);
  }
  const hits: ResidueHit[] = [];
  for (const columns of byTable.values()) {
    const probes = columns.flatMap((column) => needles.map((needle) => ({ column, needle, condition: holds(column, needle) })));
    const counted = probes.filter((probe) => probe.condition !== null);
    if (counted.length === 0) continue;
    const { schema, table } = columns[0]!;
    const counts = await database.ownerTransaction(async (tx) => {
      await tx.execute(sql`set transaction read only`);
      const select = sql.join(
        counted.map((probe, i) => sql`count(*) filter (where ${probe.condition})::int as ${sql.raw(`c${i}`)}`),
        sql`, `,
      );
      const result = await tx.execute(sql`select ${select} from ${sql.raw(`${quote(schema)}.${quote(table)}`)}`);
      return (result as { rows: Record<string, number>[] }).rows[0]!;
    });
    counted.forEach((probe, i) => {
      const count = Number(counts[`c${i}`]);
      const location = `${schema}.${table}.${probe.column.column}`;
      if (count > 0) hits.push({ location, needle: probe.needle, count, allowed: allowedResidue(location) });
    });
  }
  return hits;
}

/** Every entry of the event stream (`<namespace>:events`), as its stored text. */
export async function scanStream(store: FastStore, needles: readonly string[]): Promise<ResidueHit[]> {
  if (store.kind !== 'redis') return [];
  const counts = new Map<string, number>();
  let start = '-';
  for (;;) {
    const page = await store.client.xrange(`${store.namespace}:events`, start, '+', 'COUNT', 500);
    for (const [, fields] of page) {
      const text = fields.join('\n').toLowerCase();
      for (const needle of needles) if (text.includes(needle)) counts.set(needle, (counts.get(needle) ?? 0) + 1);
    }
    if (page.length < 500) break;
    start = `(${page.at(-1)![0]}`;
  }
  return [...counts].map(([needle, count]) => ({ location: 'stream', needle, count, allowed: allowedResidue('stream') }));
}

/** Every file under a filesystem storage root (FILE_STORAGE_DIR), its bytes read as Latin-1 so any byte compares. */
export async function scanFiles(root: string, needles: readonly string[]): Promise<ResidueHit[]> {
  const counts = new Map<string, number>();
  const entries = await readdir(root, { recursive: true, withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [];
    throw error;
  });
  for (const entry of entries) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    const bytes = await readFile(file);
    const text = `${path.relative(root, file)}\n${bytes.toString('latin1')}\n${bytes.toString('utf8')}`.toLowerCase();
    for (const needle of needles) if (text.includes(needle)) counts.set(needle, (counts.get(needle) ?? 0) + 1);
  }
  return [...counts].map(([needle, count]) => ({ location: 'files', needle, count, allowed: allowedResidue('files') }));
}

export interface ResidueScan {
  database: DatabaseConnection;
  schemas: readonly string[];
  store?: FastStore;
  /** A filesystem storage root; object storage (S3) is not listed by the scan. */
  filesRoot?: string;
}

/** Everything found, allowed or not; `residue(...)` is what the allow-list does not explain. */
export async function residueScan(scan: ResidueScan, needles: Needles): Promise<ResidueHit[]> {
  const list = needleList(needles);
  return [
    ...(await scanDatabase(scan.database, scan.schemas, list)),
    ...(scan.store ? await scanStream(scan.store, list) : []),
    ...(scan.filesRoot ? await scanFiles(scan.filesRoot, list) : []),
  ];
}

export function residue(hits: readonly ResidueHit[]): ResidueHit[] {
  return hits.filter((hit) => hit.allowed === null);
}
