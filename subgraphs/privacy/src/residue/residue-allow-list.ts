import type { LawfulBasis } from '@tunet/kit';

/**
 * What may stay after a person is erased, and why (docs/decisions/0039): the one list the residue scan checks
 * against. Each entry names a column (`schema.table.column`), `stream` or `files`, the legal basis for keeping it and
 * until when. Anything the scan finds elsewhere is residue.
 */
export interface AllowedResidue {
  location: string;
  lawfulBasis: LawfulBasis;
  /** Until when it is kept, as a person would be told. */
  until: string;
  why: string;
}

export const RESIDUE_ALLOW_LIST: readonly AllowedResidue[] = [];

export function allowedResidue(location: string, list: readonly AllowedResidue[] = RESIDUE_ALLOW_LIST): AllowedResidue | null {
  return list.find((entry) => entry.location === location) ?? null;
}
