import type { Entitlements } from '@tunet/kit';

/** Rules of the association's storage total. Pure: the entitlements and the figures are passed in. */

const GIB = 1024 * 1024 * 1024;

/** The add-on that raises the storage limit (by 100 GiB in billing's catalogue). */
export const EXTRA_STORAGE = 'extraStorage';

/**
 * What the base plan grants (billing's catalogue: 5 GiB), and so what every association has at least: the base
 * plan is always on.
 */
export const BASE_STORAGE_BYTES = 5 * GIB;

/**
 * How many bytes the association may store: the `storageBytes` limit of the entitlements the gateway signed for
 * it. Without entitlements for this association (billing unreachable, a caller from before entitlements, or
 * entitlements of another association) it is the base plan's limit: what every association is entitled to,
 * so uploads keep working, and never more, so an outage grants nobody unlimited storage.
 */
export function storageLimitBytes(entitlements: Entitlements | null | undefined, associationId: string): number {
  if (entitlements?.associationId !== associationId) return BASE_STORAGE_BYTES;
  return entitlements.limits.storageBytes ?? BASE_STORAGE_BYTES;
}

/** Whether a file of `fileBytes` (every variant counted) fits beside the `usedBytes` the association stores. */
export function fitsStorage(usedBytes: number, fileBytes: number, limitBytes: number): boolean {
  return usedBytes + fileBytes <= limitBytes;
}
