import type { Purpose } from '../purposes/purposes.rules';

/** One grant or withdrawal, as the history keeps it. */
export interface ConsentRecord {
  purposeKey: string;
  action: 'granted' | 'withdrawn';
  /** The purpose's text version the person saw; 0 when carried over from members' visibility settings. */
  textVersion: number;
  origin: 'person' | 'visibility_setting';
  at: Date;
}

/** A person's consent to one purpose now: their latest change for it, or none. */
export interface ConsentState {
  purposeKey: string;
  granted: boolean;
  /** The latest change; null when the person never decided. */
  latest: ConsentRecord | null;
}

/** The latest change per purpose; `history` may come in any order. */
export function latestChanges(history: readonly ConsentRecord[]): Map<string, ConsentRecord> {
  const latest = new Map<string, ConsentRecord>();
  for (const change of history) {
    const seen = latest.get(change.purposeKey);
    if (!seen || seen.at <= change.at) latest.set(change.purposeKey, change);
  }
  return latest;
}

/** The person's state for every consent purpose of the register (purposes of another basis cannot be consented to). */
export function consentStates(register: readonly Purpose[], history: readonly ConsentRecord[]): ConsentState[] {
  const latest = latestChanges(history);
  return register
    .filter((purpose) => purpose.lawfulBasis === 'consent')
    .map((purpose) => {
      const change = latest.get(purpose.key) ?? null;
      return { purposeKey: purpose.key, granted: change?.action === 'granted', latest: change };
    });
}

export type ConsentRefusal = { code: 'BAD_USER_INPUT'; field: string; message: string } | { code: 'CONFLICT'; message: string };

/** Only a consent purpose of the register can be consented to, or withdrawn from. Null when it can. */
export function refusedPurpose(purpose: Purpose | undefined): ConsentRefusal | null {
  if (!purpose) return { code: 'BAD_USER_INPUT', field: 'purpose', message: 'The association has no purpose with this key.' };
  if (purpose.lawfulBasis !== 'consent') {
    return { code: 'BAD_USER_INPUT', field: 'purpose', message: `This purpose rests on ${purpose.lawfulBasis.replace('_', ' ')}, not on consent.` };
  }
  return null;
}

/**
 * Whether a grant may be recorded: for a consent purpose, and only for the text the person was shown (the version
 * they send), so a consent always names the words agreed to. Null when it may.
 */
export function refusedGrant(purpose: Purpose | undefined, textVersion: number): ConsentRefusal | null {
  const refused = refusedPurpose(purpose);
  if (refused || !purpose) return refused;
  if (textVersion !== purpose.version) {
    return { code: 'CONFLICT', message: `The purpose's text changed (now version ${purpose.version}); read it again before consenting.` };
  }
  return null;
}

/** A change repeats the current state (granted again at the same text version, or withdrawn again): nothing to record. */
export function isRepeat(latest: ConsentRecord | undefined, action: ConsentRecord['action'], textVersion: number): boolean {
  if (!latest || latest.action !== action) return false;
  return action === 'withdrawn' || latest.textVersion === textVersion;
}
