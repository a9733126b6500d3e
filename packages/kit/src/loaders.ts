/** DataLoader batch functions must answer in the order of the keys, with null for what was not found. */
export function alignToKeys<T>(ids: readonly string[], rows: readonly T[], idOf: (row: T) => string): (T | null)[] {
  const byId = new Map(rows.map((row) => [idOf(row), row]));
  return ids.map((id) => byId.get(id) ?? null);
}
