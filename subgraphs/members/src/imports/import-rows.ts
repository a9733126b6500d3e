import { z } from 'zod';
import type { TenureRelation } from '../tables';

/** The fields of a row, named as in `ImportRowInput`; rejections name them so too, for CSV as for JSON. */
export type RowField = 'shareNumber' | 'building' | 'unitNumber' | 'name' | 'email' | 'phone' | 'relation' | 'contractNumber' | 'moveIn' | 'moveOut';

/** A row as received, before validation. */
export interface RawRow {
  /** The CSV line the row starts on (the header is line 1), or the JSON row's position from 1. */
  line: number;
  values: Partial<Record<RowField, string | null>>;
  /** Set when the row cannot be read at all, e.g. a CSV line with the wrong number of fields. */
  malformed?: string;
}

/** How a row names its unit: the share number wins when given. */
export type UnitRef = { shareNumber: string } | { building: string; number: string };

/** A row that passed validation: trimmed, e-mail in lower case, relation and dates normalised. */
export interface ImportRow {
  line: number;
  /** 0-based position among all received rows; progress counts in these. */
  position: number;
  unit: UnitRef;
  name: string;
  email: string | null;
  phone: string | null;
  relation: TenureRelation;
  contractNumber: string | null;
  moveIn: string | null;
  moveOut: string | null;
}

export interface Rejection {
  line: number;
  field: RowField | null;
  reason: string;
}

/** Norwegian words as property managers write them, English words, and the GraphQL enum values. */
const RELATIONS: Record<string, TenureRelation> = {
  eier: 'owner',
  medeier: 'co_owner',
  leietaker: 'tenant',
  beboer: 'occupant',
  owner: 'owner',
  co_owner: 'co_owner',
  tenant: 'tenant',
  occupant: 'occupant',
};

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const NORWEGIAN_DATE = /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/;
const PHONE = /^\+?[0-9 ]{5,20}$/;
const email = z.string().email();

export function parseRelation(text: string): TenureRelation | null {
  return (
    RELATIONS[
      text
        .trim()
        .toLowerCase()
        .replace(/[\s-]+/g, '_')
    ] ?? null
  );
}

/**
 * A real calendar date from `YYYY-MM-DD` or `DD.MM.YYYY` (day and month may have one digit, as spreadsheets write
 * them), as `YYYY-MM-DD`; null for anything else. Years are kept to 1900–2100: a typo such as 0219 would
 * otherwise pass here and fail in PostgreSQL, taking the whole import with it.
 */
export function parseDate(text: string): string | null {
  const iso = ISO_DATE.exec(text);
  const norwegian = NORWEGIAN_DATE.exec(text);
  const parts: [string, string, string] | null = iso ? [iso[1]!, iso[2]!, iso[3]!] : norwegian ? [norwegian[3]!, norwegian[2]!, norwegian[1]!] : null;
  if (!parts) return null;
  const [year, month, day] = parts;
  const date = `${year}-${month.padStart(2, '0')}-${day.padStart(2, '0')}`;
  const instant = new Date(`${date}T00:00:00Z`);
  const real = !Number.isNaN(instant.getTime()) && instant.toISOString().startsWith(date);
  return real && Number(year) >= 1900 && Number(year) <= 2100 ? date : null;
}

/** Names compare with their whitespace collapsed, so `Ola  Hansen ` is `Ola Hansen`. */
export function normaliseName(name: string): string {
  return name.trim().replace(/\s+/g, ' ');
}

class RowProblem extends Error {
  constructor(
    readonly field: RowField | null,
    readonly reason: string,
  ) {
    super(reason);
  }
}

/** Splits received rows into valid ones and rejections; one problem per row, the first found. */
export function validateRows(received: readonly RawRow[]): { rows: ImportRow[]; rejected: Rejection[] } {
  const rows: ImportRow[] = [];
  const rejected: Rejection[] = [];
  received.forEach((raw, position) => {
    try {
      rows.push(validateRow(raw, position));
    } catch (problem) {
      if (!(problem instanceof RowProblem)) throw problem;
      rejected.push({ line: raw.line, field: problem.field, reason: problem.reason });
    }
  });
  return { rows, rejected };
}

function validateRow(raw: RawRow, position: number): ImportRow {
  if (raw.malformed) throw new RowProblem(null, raw.malformed);
  const name = normaliseName(raw.values.name ?? '');
  if (!name) throw new RowProblem('name', 'The name is missing.');
  if (name.length > 200) throw new RowProblem('name', 'The name is longer than 200 characters.');
  const relationText = text(raw, 'relation', 50);
  if (!relationText) throw new RowProblem('relation', 'The relation is missing (eier, medeier, leietaker or beboer).');
  const relation = parseRelation(relationText);
  if (!relation) throw new RowProblem('relation', `"${relationText}" is not a relation: use eier, medeier, leietaker or beboer.`);
  const moveIn = date(raw, 'moveIn');
  const moveOut = date(raw, 'moveOut');
  if (moveIn && moveOut && moveOut < moveIn) throw new RowProblem('moveOut', 'The move-out date is before the move-in date.');
  return {
    line: raw.line,
    position,
    unit: unitRef(raw),
    name,
    email: emailOf(raw),
    phone: phoneOf(raw),
    relation,
    contractNumber: text(raw, 'contractNumber', 50),
    moveIn,
    moveOut,
  };
}

/** The trimmed value, null when empty; too long is a problem rather than silently cut. */
function text(raw: RawRow, field: RowField, max: number): string | null {
  const value = raw.values[field]?.trim();
  if (!value) return null;
  if (value.length > max) throw new RowProblem(field, `Longer than ${max} characters.`);
  return value;
}

function unitRef(raw: RawRow): UnitRef {
  const shareNumber = text(raw, 'shareNumber', 20);
  if (shareNumber) return { shareNumber };
  const building = text(raw, 'building', 100);
  const number = text(raw, 'unitNumber', 20);
  if (building && number) return { building, number };
  throw new RowProblem(building ? 'unitNumber' : 'shareNumber', 'Give the share number, or the building and the unit number.');
}

function emailOf(raw: RawRow): string | null {
  const value = text(raw, 'email', 320)?.toLowerCase() ?? null;
  if (value && !email.safeParse(value).success) throw new RowProblem('email', `"${value}" is not an e-mail address.`);
  return value;
}

function phoneOf(raw: RawRow): string | null {
  const value = text(raw, 'phone', 20);
  if (value && !PHONE.test(value)) throw new RowProblem('phone', `"${value}" is not a phone number (digits and spaces, optionally a leading +).`);
  return value;
}

function date(raw: RawRow, field: 'moveIn' | 'moveOut'): string | null {
  const value = text(raw, field, 100);
  if (!value) return null;
  const parsed = parseDate(value);
  if (!parsed) throw new RowProblem(field, `"${value}" is not a date: use YYYY-MM-DD or DD.MM.YYYY.`);
  return parsed;
}
