/** One restriction set or lifted, as the history keeps it. */
export interface RestrictionRecord {
  memberId: string;
  action: 'set' | 'lifted';
  reason: string;
  actor: 'self' | 'board' | 'operator';
  at: Date;
}

/** The restriction in force: the member's latest change when it set one, else null. */
export function restrictionInForce(history: readonly RestrictionRecord[]): RestrictionRecord | null {
  let latest: RestrictionRecord | null = null;
  for (const change of history) if (!latest || latest.at <= change.at) latest = change;
  return latest?.action === 'set' ? latest : null;
}

/** Setting a restriction twice or lifting none is a mistake worth telling (CONFLICT); null when the change may be made. */
export function refusedRestrictionChange(inForce: RestrictionRecord | null, action: RestrictionRecord['action']): string | null {
  if (action === 'set' && inForce) return 'Processing is already restricted for this member.';
  if (action === 'lifted' && !inForce) return 'Processing is not restricted for this member.';
  return null;
}

/**
 * A restriction the person set themself is theirs to lift (GDPR art. 18(3)): the board or an operator may not lift it
 * over their head (CONFLICT with this message); null when `actor` may lift what is in force.
 */
export function refusedLift(inForce: RestrictionRecord | null, actor: RestrictionRecord['actor']): string | null {
  if (inForce?.actor === 'self' && actor !== 'self') return 'The member set this restriction themself: only they can lift it.';
  return null;
}
