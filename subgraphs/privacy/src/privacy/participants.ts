/**
 * Every subgraph that answers the privacy routes (kit/privacy.ts), in the order an erasure runs them (stepsToRun):
 * members first, alone, because its erasure ends every session at once and deletes the login with the last
 * membership, so the person cannot add posts, bookings or push devices to a subgraph already erased while another is
 * down; then the others, which need only the ids and the tombstone id; privacy's own last, so a late
 * `personal_data.accessed` event that made a pseudonym again is caught. A test holds it equal to
 * scripts/subgraph-registry.ts.
 */
export const PRIVACY_PARTICIPANTS = ['members', 'posts', 'reservations', 'notifications', 'billing', 'operations', 'privacy'] as const;
export type PrivacyParticipant = (typeof PRIVACY_PARTICIPANTS)[number];
