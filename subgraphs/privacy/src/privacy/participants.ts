/**
 * Every subgraph that answers the privacy routes (kit/privacy.ts), in the order an erasure runs them: members last,
 * because the account goes with its last membership and the others still name the member until then. The privacy
 * subgraph answers for its own tables too. A test holds it equal to scripts/subgraph-registry.ts.
 */
export const PRIVACY_PARTICIPANTS = ['posts', 'reservations', 'notifications', 'billing', 'privacy', 'members'] as const;
export type PrivacyParticipant = (typeof PRIVACY_PARTICIPANTS)[number];
