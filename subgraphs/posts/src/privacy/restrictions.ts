import { refuse, restrictedSince, type PrivacyStatesReader } from '@tunet/kit';

/**
 * Whether a member's processing is restricted now (GDPR art. 18), as the privacy subgraph says through the kit's
 * consent reader (decision 0038). What a restricted person writes is withheld: the author's alone.
 */
export interface Restrictions {
  isRestricted(associationId: string, memberId: string): Promise<boolean>;
}

/** Where privacy is not wired (tests, an install without it): nobody is restricted. */
export const NO_RESTRICTIONS: Restrictions = { isRestricted: async () => false };

/**
 * Reads through `reader`. When privacy cannot answer, writing is refused with the gateway's code for a part of Tunet
 * that did not answer: publishing to others what a restricted person wrote cannot be undone, a retry can.
 */
export function restrictionsFrom(reader: PrivacyStatesReader): Restrictions {
  return {
    async isRestricted(associationId, memberId) {
      const states = await reader.read(associationId).catch(() => {
        throw refuse('POSTING_PRIVACY_UNCHECKED', { serviceName: 'privacy' });
      });
      return restrictedSince(states, memberId) !== null;
    },
  };
}
