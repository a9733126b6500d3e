import type { Logger, PrivacyStates, PrivacyStatesReader } from '@tunet/kit';

/**
 * An association's consents and restrictions as the privacy subgraph keeps them (docs/decisions/0038), read once per
 * request. Null when privacy cannot answer: callers fail closed (no consent-governed field is shown to residents,
 * the residents' directory is unavailable). Without a reader (privacy not wired, tests) nobody has consented and
 * nobody is restricted.
 */
export type PrivacyStatesLookup = (associationId: string) => Promise<PrivacyStates | null>;

export function privacyStatesLookup(reader: PrivacyStatesReader | null, logger: Logger, requestId: string): PrivacyStatesLookup {
  const asked = new Map<string, Promise<PrivacyStates | null>>();
  return (associationId) => {
    let states = asked.get(associationId);
    if (!states) {
      states = reader
        ? reader.read(associationId).catch((error: unknown) => {
            logger.warn({ err: error, requestId, associationId }, 'privacy states unavailable: consent-governed fields hidden');
            return null;
          })
        : withoutPrivacy(associationId);
      asked.set(associationId, states);
    }
    return states;
  };
}

/** Where privacy is not wired (tests): nobody has consented, nobody is restricted. */
export const withoutPrivacy: PrivacyStatesLookup = async (associationId) => ({ associationId, restricted: {}, consents: {} });

/** The member's consents in force; none when privacy could not say. */
export function consentsOf(states: PrivacyStates | null, memberId: string): readonly string[] {
  return states?.consents[memberId] ?? [];
}
