import type { ErrorCode } from './errors';

/** The languages messages are written in; nb is the association default. */
export type MessageLocale = 'nb' | 'en';
export const DEFAULT_MESSAGE_LOCALE: MessageLocale = 'nb';

/** What a reason's message may quote: numbers (a limit), ISO date-times with offset (a deadline), names, ids. */
export type ReasonParams = Record<string, string | number | boolean | null>;

/** One machine-readable refusal: the code it travels under, what it means for a client, and its message per locale. */
export interface ReasonDefinition {
  /**
   * SERVICE_UNAVAILABLE only for the gateway's answers about a subgraph that gave none (decision 0055); BAD_REQUEST
   * only for a request that is not one at all (the live stream's, opened the wrong way): a GatewayReasonDefinition.
   */
  code: ErrorCode | 'SERVICE_UNAVAILABLE' | 'BAD_REQUEST';
  /** One sentence for the README's list: when it happens and what a client can do. */
  description: string;
  en: (params: ReasonParams) => string;
  nb: (params: ReasonParams) => string;
  /**
   * A fallback a kit helper attaches when the thrower named no specific reason: the thrower's own (English) message
   * is more precise than `en`, so English callers keep it; other languages get this reason's text.
   */
  generic?: true;
}

/** A reason `refuse()` may give: BAD_REQUEST is not among the codes clients are told to expect from an operation. */
export type RefusalReasonDefinition = ReasonDefinition & { code: ErrorCode | 'SERVICE_UNAVAILABLE' };

/** A reason only the gateway answers with, about a request that is not one at all; kept out of `refuse()`. */
export type GatewayReasonDefinition = ReasonDefinition & { code: 'BAD_REQUEST' };

/**
 * How an outage message names a service, as the subject of its sentence: people read "the member directory", not a
 * subgraph id. `serviceName` in the error's extensions stays the id, for clients and support.
 */
const SERVICE_LABELS: Record<string, Record<MessageLocale, string>> = {
  members: { en: 'The member directory', nb: 'Medlemsregisteret' },
  posts: { en: 'The posts service', nb: 'Oppslagstjenesten' },
  reservations: { en: 'The booking service', nb: 'Bookingtjenesten' },
  notifications: { en: 'The notification service', nb: 'Varslingstjenesten' },
  billing: { en: 'The billing service', nb: 'Faktureringstjenesten' },
  privacy: { en: 'The privacy service', nb: 'Personverntjenesten' },
  operations: { en: 'The operations service', nb: 'Driftstjenesten' },
};

/** The service named as its sentence's subject; a name without a label as "The x service" / "Tjenesten x". */
export function serviceLabel(serviceName: ReasonParams[string] | undefined, locale: MessageLocale): string {
  const name = String(serviceName);
  return Object.hasOwn(SERVICE_LABELS, name) ? SERVICE_LABELS[name]![locale] : locale === 'en' ? `The ${name} service` : `Tjenesten ${name}`;
}

/** INVALID_FORMAT's texts for the formats people type. */
const FORMAT_TEXTS: Record<'en' | 'nb', Record<string, string>> = {
  en: {
    email: 'Must be a valid e-mail address.',
    date: 'Must be a date as YYYY-MM-DD.',
    'date-time': 'Must be a date and time in ISO 8601 with its offset (2026-05-01T18:00:00+02:00).',
    // zod's name for the same format.
    datetime: 'Must be a date and time in ISO 8601 with its offset (2026-05-01T18:00:00+02:00).',
    url: 'Must be a web address (https://…).',
    uuid: 'Must be an id as Tunet gives it (a UUID).',
    guid: 'Must be an id as Tunet gives it (a UUID).',
  },
  nb: {
    email: 'Må være en gyldig e-postadresse.',
    date: 'Må være en dato på formen ÅÅÅÅ-MM-DD.',
    'date-time': 'Må være dato og klokkeslett i ISO 8601 med tidssone (2026-05-01T18:00:00+02:00).',
    datetime: 'Må være dato og klokkeslett i ISO 8601 med tidssone (2026-05-01T18:00:00+02:00).',
    url: 'Må være en nettadresse (https://…).',
    uuid: 'Må være en id slik Tunet gir den (en UUID).',
    guid: 'Må være en id slik Tunet gir den (en UUID).',
  },
};

/** Whether INVALID_FORMAT has a text for `format`; parseInput reports any other format (a regex, uuid) as INVALID_VALUE. */
export function hasFormatText(format: string): boolean {
  return Object.hasOwn(FORMAT_TEXTS.en, format);
}

/**
 * The reasons every subgraph and the gateway share, spread into `errorReasons`: the generic reason of each code (what
 * a kit helper attaches when its thrower named none), input validation (parseInput's and the gateway's), and sessions.
 */
export const commonErrorReasons = {
  // Generic reasons: what a refusal without a more specific reason carries. The thrower's English text says more than
  // the generic one, so it is kept for English callers; others get the generic text in their language.
  INVALID_VALUE: {
    code: 'BAD_USER_INPUT',
    generic: true,
    description: 'The value of `field` is not acceptable (the message says why in English).',
    en: () => 'This value is not valid.',
    nb: () => 'Verdien er ugyldig.',
  },
  NOT_LOGGED_IN: {
    code: 'UNAUTHENTICATED',
    generic: true,
    description: 'The operation needs a logged-in member; send an access token.',
    en: () => 'You must be logged in.',
    nb: () => 'Du må være logget inn.',
  },
  NOT_ALLOWED: {
    code: 'FORBIDDEN',
    generic: true,
    description: "The viewer's role does not allow this; hide or disable the action.",
    en: () => 'You are not allowed to do this.',
    nb: () => 'Du har ikke tilgang til å gjøre dette.',
  },
  NOT_FOUND: {
    code: 'NOT_FOUND',
    generic: true,
    description: "The thing (`entity`) does not exist, or not in the viewer's association.",
    en: (p) => `${String(p.entity ?? 'It')} was not found.`,
    nb: () => 'Fant ikke det du ba om. Det kan være slettet.',
  },
  STATE_CONFLICT: {
    code: 'CONFLICT',
    generic: true,
    description: 'The thing is not in a state that allows this any more (for example already cancelled); the message says why in English.',
    en: () => 'This can no longer be done.',
    nb: () => 'Dette kan ikke gjøres lenger.',
  },
  RATE_LIMITED: {
    code: 'RATE_LIMITED',
    description: 'Too many attempts; try again after `retryAfterSeconds` seconds.',
    en: (p) => `Too many attempts. Try again in ${p.retryAfterSeconds} ${Number(p.retryAfterSeconds) === 1 ? 'second' : 'seconds'}.`,
    nb: (p) => `For mange forsøk. Prøv igjen om ${p.retryAfterSeconds} ${Number(p.retryAfterSeconds) === 1 ? 'sekund' : 'sekunder'}.`,
  },
  FEATURE_NOT_SUBSCRIBED: {
    code: 'FEATURE_NOT_SUBSCRIBED',
    description: 'The association does not subscribe to (or has not paid for) the add-on `feature`; hide the feature.',
    en: (p) => `This needs the ${p.feature} add-on, which the association does not subscribe to (or has not paid for).`,
    nb: (p) => `Dette krever tillegget ${p.feature}, som foreningen ikke abonnerer på (eller ikke har betalt for).`,
  },
  // Input validation (parseInput maps every zod issue to one of these; `invalidFields` lists them all).
  REQUIRED: {
    code: 'BAD_USER_INPUT',
    description: '`field` is missing or empty.',
    en: () => 'This field is required.',
    nb: () => 'Feltet må fylles ut.',
  },
  TOO_SHORT: {
    code: 'BAD_USER_INPUT',
    description: '`field` has fewer than `minimum` characters.',
    en: (p) => `Must be at least ${p.minimum} characters.`,
    nb: (p) => `Må være minst ${p.minimum} tegn.`,
  },
  TOO_LONG: {
    code: 'BAD_USER_INPUT',
    description: '`field` has more than `maximum` characters.',
    en: (p) => `Must be at most ${p.maximum} characters.`,
    nb: (p) => `Kan være høyst ${p.maximum} tegn.`,
  },
  TOO_SMALL: {
    code: 'BAD_USER_INPUT',
    description: '`field` is below `minimum` (a number or a date-time), or not above it when `exclusive` is true.',
    en: (p) => (p.exclusive ? `Must be more than ${p.minimum}.` : `Must be at least ${p.minimum}.`),
    nb: (p) => (p.exclusive ? `Må være mer enn ${p.minimum}.` : `Må være minst ${p.minimum}.`),
  },
  TOO_LARGE: {
    code: 'BAD_USER_INPUT',
    description: '`field` is above `maximum` (a number or a date-time), or not below it when `exclusive` is true.',
    en: (p) => (p.exclusive ? `Must be less than ${p.maximum}.` : `Must be at most ${p.maximum}.`),
    nb: (p) => (p.exclusive ? `Må være mindre enn ${p.maximum}.` : `Kan være høyst ${p.maximum}.`),
  },
  TOO_FEW: {
    code: 'BAD_USER_INPUT',
    description: 'The list `field` has fewer than `minimum` items.',
    en: (p) => `Needs at least ${p.minimum} items.`,
    nb: (p) => `Trenger minst ${p.minimum} elementer.`,
  },
  TOO_MANY: {
    code: 'BAD_USER_INPUT',
    description: 'The list `field` has more than `maximum` items.',
    en: (p) => `Takes at most ${p.maximum} items.`,
    nb: (p) => `Kan ha høyst ${p.maximum} elementer.`,
  },
  INVALID_FORMAT: {
    code: 'BAD_USER_INPUT',
    description: '`field` is not in its `format` (email, uuid, url, date as YYYY-MM-DD, date-time as ISO 8601 with offset, …).',
    en: (p) => FORMAT_TEXTS.en[String(p.format)] ?? 'This value has the wrong format.',
    nb: (p) => FORMAT_TEXTS.nb[String(p.format)] ?? 'Verdien har feil format.',
  },
  INVALID_CHOICE: {
    code: 'BAD_USER_INPUT',
    description: '`field` is not one of `options` (comma-separated, when known).',
    en: (p) => (p.options ? `Must be one of ${p.options}.` : 'Must be one of the allowed values.'),
    nb: (p) => (p.options ? `Må være en av ${p.options}.` : 'Må være en av de tillatte verdiene.'),
  },
  INVALID_TYPE: {
    code: 'BAD_USER_INPUT',
    description: "`field` has the wrong type for the schema (a client bug, not a person's typing).",
    en: () => 'This value has the wrong type.',
    nb: () => 'Verdien har feil type.',
  },
  UNKNOWN_FIELD: {
    code: 'BAD_USER_INPUT',
    description: '`field` is not a field of the input type (a client bug).',
    en: () => 'This field does not exist.',
    nb: () => 'Feltet finnes ikke.',
  },
  INVALID_CHARACTER: {
    code: 'BAD_USER_INPUT',
    description: '`field` holds a character no text may hold (`character`, the NUL character U+0000); the gateway refuses it with HTTP 400.',
    en: () => 'This text contains a character that is not allowed.',
    nb: () => 'Teksten inneholder et tegn som ikke er tillatt.',
  },
  END_BEFORE_START: {
    code: 'BAD_USER_INPUT',
    description: "The end (`field`) is before the start (`start`, the other field's path).",
    en: () => 'The end must not be before the start.',
    nb: () => 'Slutt kan ikke være før start.',
  },
  // Sessions and the gateway's authentication.
  TOKEN_INVALID: {
    code: 'UNAUTHENTICATED',
    description: 'The access token is not one Tunet issued (or is malformed); log in again.',
    en: () => 'The access token is not valid. Please log in again.',
    nb: () => 'Tilgangsnøkkelen er ugyldig. Logg inn på nytt.',
  },
  TOKEN_KEY_UNKNOWN: {
    code: 'UNAUTHENTICATED',
    description:
      'The access token was signed with a key the gateway no longer (or never) accepted, e.g. after a key rotation; refresh the session, and log in again only if that fails. An expired token of such a key is TOKEN_EXPIRED.',
    en: () => 'The access token was signed with a key that is no longer accepted. Refresh the session; log in again only if that fails.',
    nb: () => 'Tilgangsnøkkelen er signert med en nøkkel som ikke lenger godtas. Forny økten; logg inn på nytt bare hvis det ikke går.',
  },
  AUTHORIZATION_MALFORMED: {
    code: 'UNAUTHENTICATED',
    description: 'The Authorization header is not `Bearer <access token or API key>` (a client bug).',
    en: () => 'The Authorization header must be `Bearer <access token or API key>`.',
    nb: () => 'Authorization-headeren må være `Bearer <tilgangsnøkkel eller API-nøkkel>`.',
  },
  API_KEY_INVALID: {
    code: 'UNAUTHENTICATED',
    description: 'The API key is unknown, revoked or expired.',
    en: () => 'The API key is not valid.',
    nb: () => 'API-nøkkelen er ugyldig.',
  },
  SESSION_ENDED: {
    code: 'UNAUTHENTICATED',
    description: 'The session was ended (logout, a password change, another device, too many wrong passwords); log in again.',
    en: () => 'This session has ended. Please log in again.',
    nb: () => 'Økten er avsluttet. Logg inn på nytt.',
  },
  REFRESH_TOKEN_REUSED: {
    code: 'UNAUTHENTICATED',
    description: 'A refresh token was used twice (possibly stolen), so its session was ended; log in again.',
    en: () => 'This refresh token was already used. The session has been ended; please log in again.',
    nb: () => 'Denne fornyelsesnøkkelen er allerede brukt. Økten er avsluttet; logg inn på nytt.',
  },
  REFRESH_TOKEN_INVALID: {
    code: 'UNAUTHENTICATED',
    description: 'The refresh token is unknown or expired; log in again.',
    en: () => 'The refresh token is not valid. Please log in again.',
    nb: () => 'Fornyelsesnøkkelen er ugyldig. Logg inn på nytt.',
  },
  NO_MEMBERSHIP: {
    code: 'UNAUTHENTICATED',
    description: 'The account has no membership (in the association asked for); it cannot log in there.',
    en: () => 'This account has no membership in that association.',
    nb: () => 'Denne kontoen har ikke medlemskap i den foreningen.',
  },
  MEMBERSHIP_SUSPENDED: {
    code: 'FORBIDDEN',
    description:
      'The membership is suspended (`suspensionReason`, until `until` or further notice): login is refused, and a session from before keeps reading but writes nothing.',
    en: (p) => `Your membership is suspended${p.until ? ` until ${p.until}` : ''}: ${p.suspensionReason}.`,
    nb: (p) => `Medlemskapet ditt er suspendert${p.until ? ` til ${p.until}` : ''}: ${p.suspensionReason}.`,
  },
  ASSOCIATION_BLOCKED: {
    code: 'FORBIDDEN',
    description: "The provider has blocked the association's access for a breach of the terms; the board was told why.",
    en: () =>
      "The provider has blocked this association's access to Tunet for a breach of the terms of service; the board has been told why in writing. " +
      'Logins, sessions and API keys are refused until it is reopened.',
    nb: () => 'Leverandøren har sperret foreningens tilgang til Tunet for brudd på vilkårene. Innlogging avvises til den åpnes igjen.',
  },
  ASSOCIATION_TERMINATED: {
    code: 'FORBIDDEN',
    description: "The association's agreement has ended, so its access is closed; the board can ask for a copy of its data.",
    en: () =>
      "This association's agreement with Tunet has ended, so its access is closed: logins, sessions and API keys are refused. " +
      'The board can ask the provider for a copy of its data.',
    nb: () => 'Foreningens avtale med Tunet er avsluttet, så tilgangen er stengt. Styret kan be leverandøren om en kopi av dataene.',
  },
  SERVICE_TIMED_OUT: {
    code: 'SERVICE_UNAVAILABLE',
    description: 'The `serviceName` service did not answer in time (decision 0055); nothing was refused, try again shortly.',
    en: (p) => `${serviceLabel(p.serviceName, 'en')} did not answer in time. Try again shortly.`,
    nb: (p) => `${serviceLabel(p.serviceName, 'nb')} svarte ikke i tide. Prøv igjen om litt.`,
  },
  SERVICE_UNREACHABLE: {
    code: 'SERVICE_UNAVAILABLE',
    description: 'The `serviceName` service cannot be reached (down, restarting, or its circuit breaker is open; decision 0055); try again shortly.',
    en: (p) => `${serviceLabel(p.serviceName, 'en')} cannot be reached. Try again shortly.`,
    nb: (p) => `${serviceLabel(p.serviceName, 'nb')} kan ikke nås akkurat nå. Prøv igjen om litt.`,
  },
  DEPENDENCY_UNAVAILABLE: {
    code: 'SERVICE_UNAVAILABLE',
    description: 'A service the answering one had to ask did not answer; nothing about the request was wrong, try again shortly.',
    en: () => 'A service Tunet needs did not answer. Try again shortly.',
    nb: () => 'En tjeneste Tunet trenger svarte ikke. Prøv igjen om litt.',
  },
  DIRECTORY_PRIVACY_UNCHECKED: {
    code: 'SERVICE_UNAVAILABLE',
    description:
      'The privacy service could not say whose processing is restricted, so the directory (or a member a restriction may hide) is not shown for now; try again shortly.',
    en: () => 'The directory is unavailable for a moment: whom it may show cannot be checked. Try again shortly.',
    nb: () => 'Medlemslisten er utilgjengelig et øyeblikk: hvem den kan vise, kan ikke sjekkes. Prøv igjen om litt.',
  },
  POSTING_PRIVACY_UNCHECKED: {
    code: 'SERVICE_UNAVAILABLE',
    description: "The privacy service could not say whether the writer's processing is restricted, so nothing was published; try again shortly.",
    en: () => 'Posting is unavailable for a moment: your privacy settings cannot be checked. Try again shortly.',
    nb: () => 'Publisering er utilgjengelig et øyeblikk: personverninnstillingene dine kan ikke sjekkes. Prøv igjen om litt.',
  },
  ASSOCIATIONS_UNCHECKED: {
    code: 'SERVICE_UNAVAILABLE',
    description: 'The member directory could not list the associations to tell, so nothing was announced or recorded; try again shortly.',
    en: () => 'The register of associations did not answer; nothing was changed. Try again shortly.',
    nb: () => 'Foreningsregisteret svarte ikke; ingenting ble endret. Prøv igjen om litt.',
  },
  PAID_FEATURES_UNCHECKED: {
    code: 'SERVICE_UNAVAILABLE',
    description: 'The operation selects a paid feature and billing did not answer, so whether it is subscribed is unknown; try again shortly.',
    en: () => 'Paid features cannot be checked right now (the billing service did not answer). Try again shortly.',
    nb: () => 'Betalte funksjoner kan ikke sjekkes akkurat nå (faktureringstjenesten svarte ikke). Prøv igjen om litt.',
  },
} satisfies Record<string, RefusalReasonDefinition>;

/** The gateway's answers to a live stream request that is no stream request (stream-answers), never a subgraph's. */
export const gatewayErrorReasons = {
  STREAM_REQUEST_REFUSED: {
    code: 'BAD_REQUEST',
    description: 'The live stream was asked for without `Accept: text/event-stream` (HTTP 404): send that header.',
    en: () => 'The live stream was refused: ask for it with Accept: text/event-stream.',
    nb: () => 'Direktestrømmen ble avvist: be om den med Accept: text/event-stream.',
  },
  STREAM_CONTENT_TYPE_REFUSED: {
    code: 'BAD_REQUEST',
    description: 'The live stream was asked for with a body that is not JSON (HTTP 415): send it with `Content-Type: application/json`.',
    en: () => 'The live stream was refused: send the request with Content-Type: application/json.',
    nb: () => 'Direktestrømmen ble avvist: send forespørselen med Content-Type: application/json.',
  },
} satisfies Record<string, GatewayReasonDefinition>;
