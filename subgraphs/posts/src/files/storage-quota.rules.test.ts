import type { Entitlements } from '@tunet/kit';
import { ASSOCIATION_X as X, ASSOCIATION_Y as Y } from '../posts.fixtures';
import { BASE_STORAGE_BYTES, fitsStorage, storageLimitBytes } from './storage-quota.rules';

const GIB = 1024 ** 3;
const entitlements = (associationId: string, limits: Record<string, number>): Entitlements => ({ associationId, features: ['base'], limits });

describe('storageLimitBytes', () => {
  it("is the signed storageBytes of the association's own entitlements", () => {
    expect(storageLimitBytes(entitlements(X, { storageBytes: 105 * GIB }), X)).toBe(105 * GIB);
    expect(storageLimitBytes(entitlements(X, { storageBytes: 1_000 }), X)).toBe(1_000);
  });

  it("is the base plan's 5 GiB without entitlements, with another association's, or without a storage limit in them", () => {
    expect(BASE_STORAGE_BYTES).toBe(5_368_709_120);
    expect(storageLimitBytes(undefined, X)).toBe(BASE_STORAGE_BYTES);
    expect(storageLimitBytes(null, X)).toBe(BASE_STORAGE_BYTES);
    expect(storageLimitBytes(entitlements(Y, { storageBytes: 105 * GIB }), X)).toBe(BASE_STORAGE_BYTES);
    expect(storageLimitBytes(entitlements(X, { smsPerMonth: 500 }), X)).toBe(BASE_STORAGE_BYTES);
  });
});

describe('fitsStorage', () => {
  it('admits a file that reaches the limit exactly, and not a byte more', () => {
    expect(fitsStorage(6_000, 4_000, 10_000)).toBe(true);
    expect(fitsStorage(6_000, 4_001, 10_000)).toBe(false);
    expect(fitsStorage(11_000, 1, 10_000)).toBe(false);
  });
});
