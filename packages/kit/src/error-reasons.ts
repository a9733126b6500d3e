import { GraphQLError } from 'graphql';
import type { ErrorCode } from './errors';

/** What a reason's message may quote: numbers (a limit), ISO date-times with offset (a deadline), names, ids. */
export type ReasonParams = Record<string, string | number | boolean | null>;

/** One machine-readable refusal: the code it travels under, what it means for a client, and its message per locale. */
export interface ReasonDefinition {
  code: ErrorCode;
  /** One sentence for the README's list: when it happens and what a client can do. */
  description: string;
  en: (params: ReasonParams) => string;
  nb: (params: ReasonParams) => string;
}

/**
 * Every `extensions.reason` a client can meet, in one list (the README's table is generated from it and a test keeps
 * the two equal). A UI branches on the reason, never on the message; the message is rendered from the reason and its
 * parameters in the caller's language (en or nb), so no validator's raw text reaches a person.
 */
export const errorReasons = {
  INVALID_CREDENTIALS: {
    code: 'UNAUTHENTICATED',
    description: 'The e-mail address or password is wrong (the two are not told apart).',
    en: () => 'The e-mail address or password is wrong.',
    nb: () => 'E-postadressen eller passordet er feil.',
  },
  TOKEN_EXPIRED: {
    code: 'UNAUTHENTICATED',
    description: 'The access token has expired: refresh it and repeat the request.',
    en: () => 'Your session has expired. Please log in again.',
    nb: () => 'Økten din er utløpt. Logg inn på nytt.',
  },
  SLOT_TAKEN: {
    code: 'CONFLICT',
    description: 'Another booking holds (part of) the requested time; pick another slot.',
    en: () => 'That time is already booked.',
    nb: () => 'Det tidspunktet er allerede booket.',
  },
  QUOTA_EXCEEDED: {
    code: 'CONFLICT',
    description: 'The household has used its quota for the period; `limit` is the quota.',
    en: (p) => `Your household has used its quota of ${p.limit}.`,
    nb: (p) => `Husstanden har brukt opp kvoten sin på ${p.limit}.`,
  },
  IDEMPOTENCY_KEY_REUSED: {
    code: 'CONFLICT',
    description: 'The idempotency key was used before with different input; send a new key for a new request.',
    en: () => 'This idempotency key was already used for a different request.',
    nb: () => 'Denne idempotensnøkkelen er allerede brukt til en annen forespørsel.',
  },
  SIGNUP_CLOSED: {
    code: 'CONFLICT',
    description: 'Sign-up for the event has closed; `deadline` is when it closed.',
    en: (p) => `Sign-up closed at ${p.deadline}.`,
    nb: (p) => `Påmeldingen stengte ${p.deadline}.`,
  },
  ALREADY_SIGNED_UP: {
    code: 'CONFLICT',
    description: 'The member is already signed up for the event; change the party size instead.',
    en: () => 'You are already signed up.',
    nb: () => 'Du er allerede påmeldt.',
  },
  EVENT_CANCELLED: {
    code: 'CONFLICT',
    description: 'The event was cancelled.',
    en: () => 'The event has been cancelled.',
    nb: () => 'Arrangementet er avlyst.',
  },
  PASSWORD_RESET_TOKEN_INVALID: {
    code: 'BAD_USER_INPUT',
    description: 'The password reset link is not one Tunet sent (mistyped or cut short), or a newer link replaced it; ask for a new one.',
    en: () => 'This password reset link is not valid. Ask for a new one.',
    nb: () => 'Lenken for å tilbakestille passordet er ugyldig. Be om en ny.',
  },
  PASSWORD_RESET_TOKEN_EXPIRED: {
    code: 'BAD_USER_INPUT',
    description: 'The password reset link has expired (`expiredAt`); ask for a new one.',
    en: () => 'This password reset link has expired. Ask for a new one.',
    nb: () => 'Lenken for å tilbakestille passordet er utløpt. Be om en ny.',
  },
  PASSWORD_RESET_TOKEN_USED: {
    code: 'BAD_USER_INPUT',
    description: 'The password reset link was already used to set a password; log in with it, or ask for a new link.',
    en: () => 'This password reset link was already used. Log in with your new password, or ask for a new link.',
    nb: () => 'Lenken for å tilbakestille passordet er allerede brukt. Logg inn med det nye passordet, eller be om en ny lenke.',
  },
  INVITATION_INVALID: {
    code: 'BAD_USER_INPUT',
    description: 'The invitation link is unknown, was used, replaced by a newer one or withdrawn; ask the board for a new one.',
    en: () => 'This invitation link is not valid: it was used, replaced or withdrawn. Ask the board for a new one.',
    nb: () => 'Invitasjonslenken er ugyldig: den er brukt, erstattet eller trukket tilbake. Be styret om en ny.',
  },
  INVITATION_EXPIRED: {
    code: 'BAD_USER_INPUT',
    description: 'The invitation link has expired (`expiredAt`); the board can send it again.',
    en: () => 'This invitation link has expired. Ask the board to send it again.',
    nb: () => 'Invitasjonslenken er utløpt. Be styret om å sende den på nytt.',
  },
} satisfies Record<string, ReasonDefinition>;

export type ErrorReason = keyof typeof errorReasons;

/**
 * A refusal with its reason: `extensions` carry the code, the reason, its parameters and (for BAD_USER_INPUT) the
 * field; the message is the English text, which the gateway re-renders in the caller's language.
 */
export function refuse(reason: ErrorReason, params: ReasonParams = {}, field?: string): GraphQLError {
  const definition: ReasonDefinition = errorReasons[reason];
  const extensions = { code: definition.code, reason, ...params, ...(field ? { field } : {}) };
  return new GraphQLError(definition.en(params), { extensions });
}
