import DataLoader from 'dataloader';
import { isUuid } from './ids';
import type { Viewer } from './viewer';

/** DataLoader batch functions must answer in the order of the keys, with null for what was not found. */
export function alignToKeys<T>(ids: readonly string[], rows: readonly T[], idOf: (row: T) => string): (T | null)[] {
  const byId = new Map(rows.map((row) => [idOf(row), row]));
  return ids.map((id) => byId.get(id) ?? null);
}

/**
 * A loader of rows by id within the viewer's association: malformed ids and other tenants' ids load as null,
 * and one batch costs one query.
 */
export function tenantLoader<T extends { id: string }>(
  viewer: Viewer | null,
  find: (tenant: string, ids: string[]) => Promise<T[]>,
): DataLoader<string, T | null> {
  return new DataLoader(async (ids) => {
    const wellFormed = ids.filter(isUuid);
    if (!viewer?.associationId || wellFormed.length === 0) return ids.map(() => null);
    return alignToKeys(ids, await find(viewer.associationId, wellFormed), (row) => row.id);
  });
}

/** A loader of the rows that belong to each key (a member's tenures, a committee's terms), in one query per batch. */
export function groupLoader<T>(
  viewer: Viewer | null,
  find: (tenant: string, keys: string[]) => Promise<T[]>,
  keyOf: (row: T) => string,
): DataLoader<string, T[]> {
  return new DataLoader(async (keys) => {
    const wellFormed = keys.filter(isUuid);
    if (!viewer?.associationId || wellFormed.length === 0) return keys.map(() => []);
    const byKey = new Map<string, T[]>();
    for (const row of await find(viewer.associationId, wellFormed)) byKey.set(keyOf(row), [...(byKey.get(keyOf(row)) ?? []), row]);
    return keys.map((key) => byKey.get(key) ?? []);
  });
}
