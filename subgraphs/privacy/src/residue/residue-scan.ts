import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { DatabaseConnection, FastStore } from '@tunet/kit';
import { allowedResidue, type AllowedResidue } from './residue-allow-list';
import { ResidueScanRepository, type ScannedColumn } from './residue-scan.repository';

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

/**
 * Every column of every table of the schemas, one statement per table. A hit in a column the allow-list keeps only
 * for rows naming the tombstone (`tombstoneColumn`) is allowed for those rows alone; the other rows are residue.
 */
export async function scanDatabase(database: DatabaseConnection, schemas: readonly string[], needles: readonly string[]): Promise<ResidueHit[]> {
  const repository = new ResidueScanRepository(database);
  const byTable = new Map<string, ScannedColumn[]>();
  for (const column of await repository.columns(schemas)) {
    const key = `${column.schema}.${column.table}`;
    byTable.set(key, [...(byTable.get(key) ?? []), column]);
  }
  const hits: ResidueHit[] = [];
  for (const columns of byTable.values()) {
    const { schema, table } = columns[0]!;
    const probes = columns.flatMap((column) =>
      needles.map((needle) => ({ column, needle, tombstoneColumn: allowedResidue(locationOf(column))?.tombstoneColumn })),
    );
    for (const { probe, rows, ofTombstone } of await repository.count(schema, table, probes)) {
      const location = locationOf(probe.column);
      const allowed = allowedResidue(location);
      const allowedRows = allowed?.tombstoneColumn ? ofTombstone : rows;
      if (allowedRows > 0) hits.push({ location, needle: probe.needle, count: allowedRows, allowed });
      if (rows - allowedRows > 0) hits.push({ location, needle: probe.needle, count: rows - allowedRows, allowed: null });
    }
  }
  return hits;
}

function locationOf(column: ScannedColumn): string {
  return `${column.schema}.${column.table}.${column.column}`;
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
