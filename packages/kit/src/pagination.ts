import type { z } from 'zod';
import { badUserInput } from './errors';

export const MAX_PAGE_SIZE = 100;

/** Cursors are opaque to clients: base64url JSON of the sort key of the last row they saw. */
export function encodeCursor(key: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

/**
 * The sort key a cursor carries, checked against `key`, so a forged cursor is the client's error rather than a
 * failed cast inside PostgreSQL.
 */
export function decodeCursor<K extends z.ZodType>(cursor: string, key: K): z.infer<K> {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    decoded = undefined;
  }
  const parsed = key.safeParse(decoded);
  if (!parsed.success) throw badUserInput('after', 'The cursor is not valid; use a cursor from a previous page.');
  return parsed.data;
}

export function pageSize(first: number | null | undefined, fallback = 20): number {
  const size = first ?? fallback;
  if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE_SIZE) {
    throw badUserInput('first', `Page size must be between 1 and ${MAX_PAGE_SIZE}.`);
  }
  return size;
}

export interface Page<T> {
  nodes: T[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

/** Turns `size + 1` fetched rows into a page, using the extra row only to know whether more exist. */
export function toPage<T>(rows: T[], size: number, keyOf: (row: T) => readonly (string | number)[]): Page<T> {
  const nodes = rows.slice(0, size);
  const last = nodes[nodes.length - 1];
  return {
    nodes,
    pageInfo: { hasNextPage: rows.length > size, endCursor: last ? encodeCursor(keyOf(last)) : null },
  };
}
