import { z } from 'zod';
import { AnnouncedReader, announceChanged, type AnnouncedKind, type AnnouncedLoader } from './announced-cache';
import { postInternalRoute, routeFailure } from './internal-routes';
import { createLogger, type Logger } from './logger';
import type { FastStore } from './redis';

/**
 * What the privacy subgraph decides about an association's people and every other subgraph must obey at once
 * (docs/decisions/0038): whose processing is restricted (GDPR art. 18) and which consents each person has given.
 * Read through the kit's announced cache like billing's entitlements; privacy announces every change, so a withdrawal
 * or a restriction is seen by the very next request in every process.
 *
 * When privacy cannot be asked, `read` rejects and the caller decides, failing towards the person:
 * - the directory hides every consent-governed field from other residents (as if no consent were given) and hides
 *   no one it would otherwise show (restriction hiding is a duty privacy must be up to confirm; the board still sees
 *   its people as before);
 * - notifications holds optional messages back (retries later) and sends only legally required ones;
 * - posts refuses to publish new content that would be shown to others until privacy answers (retryable error).
 */

/** Privacy's signed route that answers an association's states (strict body with a kind, like every privacy route). */
export const PRIVACY_STATES_ROUTE = 'privacy/states';

/** Consent purposes other subgraphs act on (keys of the association's purposes register, seeded everywhere). */
export const CONSENT_PURPOSES = {
  /** E-mail address and phone number shown to the association's residents in the directory. */
  directoryContact: 'directory_contact',
  /** Portrait shown to the association's residents in the directory. */
  directoryPortrait: 'directory_portrait',
  /** The association's newsletters and other optional messages. */
  newsletters: 'newsletters',
} as const;

const id = z.guid();
export const purposeKeySchema = z.string().regex(/^[a-z][a-z0-9_]{1,47}$/, 'lowercase letters, digits and _ (2–48)');

export const privacyStatesRequestSchema = z.strictObject({ kind: z.literal('privacy.states'), associationId: id });
export type PrivacyStatesRequest = z.infer<typeof privacyStatesRequestSchema>;

export const privacyStatesSchema = z.strictObject({
  associationId: id,
  /** Members whose processing is restricted, with when the restriction began (ISO instant). */
  restricted: z.record(id, z.iso.datetime({ offset: true })),
  /** Consent purposes each member has granted and not withdrawn; members without any are absent. */
  consents: z.record(id, z.array(purposeKeySchema).max(100)),
});
export type PrivacyStates = z.infer<typeof privacyStatesSchema>;

const PRIVACY_STATES: AnnouncedKind<PrivacyStates> = {
  name: 'privacy-states',
  check(associationId, answer) {
    const parsed = privacyStatesSchema.safeParse(answer);
    if (!parsed.success) throw new Error('privacy answered states of an unexpected shape');
    if (parsed.data.associationId !== associationId) throw new Error('privacy answered states of another association');
    return parsed.data;
  },
};

export function hasConsent(states: PrivacyStates, memberId: string, purpose: string): boolean {
  return states.consents[memberId]?.includes(purpose) ?? false;
}

/** When the member's restriction began, or null when their processing is not restricted. */
export function restrictedSince(states: PrivacyStates, memberId: string): string | null {
  return states.restricted[memberId] ?? null;
}

/** Privacy's side: after every committed change of a consent or a restriction in the association. */
export async function announcePrivacyStatesChanged(store: FastStore, associationId: string): Promise<void> {
  await announceChanged(store, PRIVACY_STATES, associationId);
}

export type PrivacyStatesLoader = AnnouncedLoader<PrivacyStates>;
export type PrivacyStatesReader = AnnouncedReader<PrivacyStates>;
export const PrivacyStatesReader = {
  /** Resolves once changes announced from now on are heard. */
  open(store: FastStore, load: PrivacyStatesLoader, logger: Logger = createLogger('privacy-states')): Promise<PrivacyStatesReader> {
    return AnnouncedReader.open(store, PRIVACY_STATES, load, logger);
  },
};

/** Asks privacy's signed route; anything but a 200 is a failure (the reader then rejects). */
export function loadPrivacyStatesFrom(privacyUrl: () => string, internalSecret: string, timeoutMs = 5_000): PrivacyStatesLoader {
  return async (associationId) => {
    const payload: PrivacyStatesRequest = { kind: 'privacy.states', associationId };
    const response = await postInternalRoute({ graphqlUrl: privacyUrl(), route: PRIVACY_STATES_ROUTE, internalSecret, payload, timeoutMs });
    if (!response.ok) throw routeFailure(`privacy's ${PRIVACY_STATES_ROUTE}`, response.status);
    // The reader checks the shape and the association before it believes or keeps it.
    return (await response.json()) as PrivacyStates;
  };
}
