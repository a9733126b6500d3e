import { GraphQLError } from 'graphql';
import {
  commonErrorReasons,
  gatewayErrorReasons,
  serviceLabel,
  type MessageLocale,
  type RefusalReasonDefinition,
  type ReasonParams,
} from './error-reasons-common';

export type { GatewayReasonDefinition, MessageLocale, ReasonDefinition, RefusalReasonDefinition, ReasonParams } from './error-reasons-common';
export { DEFAULT_MESSAGE_LOCALE } from './error-reasons-common';

/** The reasons `refuse()` gives: every code in them is one clients are told to expect. */
const refusalReasons = {
  ...commonErrorReasons,
  INVALID_CREDENTIALS: {
    code: 'UNAUTHENTICATED',
    description: 'The e-mail address or password is wrong (the two are not told apart).',
    en: () => 'The e-mail address or password is wrong.',
    nb: () => 'E-postadressen eller passordet er feil.',
  },
  TOKEN_EXPIRED: {
    code: 'UNAUTHENTICATED',
    description: 'The access token has expired: refresh it and repeat the request.',
    en: () => 'Your access token has expired. Refresh it and try again.',
    nb: () => 'Tilgangsnøkkelen er utløpt. Forny den og prøv igjen.',
  },
  SLOT_TAKEN: {
    code: 'CONFLICT',
    description: 'Another booking holds (part of) the requested time; pick another slot.',
    en: () => 'That time is already booked.',
    nb: () => 'Det tidspunktet er allerede booket.',
  },
  QUOTA_EXCEEDED: {
    code: 'CONFLICT',
    description:
      'A quota of the resource is used up: `limit` bookings `per` UNIT (the household) or PERSON in the `period` (FUTURE, CALENDAR_YEAR, CALENDAR_MONTH, ROLLING).',
    en: (p) =>
      `${p.per === 'PERSON' ? 'You have used your' : 'Your household has used its'} quota of ${p.limit}${quotaPeriod(p, 'en')}${p.resource ? ` for ${p.resource}` : ''}.`,
    nb: (p) =>
      `${p.per === 'PERSON' ? 'Du har brukt opp kvoten din' : 'Husstanden har brukt opp kvoten sin'} på ${p.limit}${quotaPeriod(p, 'nb')}${p.resource ? ` for ${p.resource}` : ''}.`,
  },
  // Booking rules (reservations): each rule a booking or a quote can fail, so a UI can say what to change.
  BOOKING_NOT_ALLOWED: {
    code: 'FORBIDDEN',
    description: "The viewer's role may not book the resource (`allowed`: the roles that may, comma-separated); hide the booking button.",
    en: (p) => (p.allowed ? `Only ${roleNames(p.allowed, 'en')} may book ${p.resource}.` : `Nobody may book ${p.resource} at the moment.`),
    nb: (p) => (p.allowed ? `Bare ${roleNames(p.allowed, 'nb')} kan booke ${p.resource}.` : `Ingen kan booke ${p.resource} nå.`),
  },
  RESOURCE_ARCHIVED: {
    code: 'CONFLICT',
    description: 'The resource is archived and takes no bookings.',
    en: (p) => `${p.resource} is no longer available for booking.`,
    nb: (p) => `${p.resource} kan ikke lenger bookes.`,
  },
  BOOKING_IN_PAST: {
    code: 'BAD_USER_INPUT',
    description: 'The booking would start in the past (`field`: start).',
    en: () => 'The booking must not start in the past.',
    nb: () => 'Bookingen kan ikke starte i fortiden.',
  },
  TOO_SHORT_NOTICE: {
    code: 'BAD_USER_INPUT',
    description: "The booking starts sooner than the resource's minimum notice (`minNoticeMinutes`); `earliest` is the earliest start now.",
    en: (p) => `${p.resource} must be booked at least ${p.minNoticeMinutes} minutes before it starts; the earliest start is ${localMoment(p.earliest, 'en')}.`,
    nb: (p) => `${p.resource} må bookes minst ${p.minNoticeMinutes} minutter før start; tidligste start er ${localMoment(p.earliest, 'nb')}.`,
  },
  TOO_FAR_AHEAD: {
    code: 'BAD_USER_INPUT',
    description:
      "The booking starts (or ends, `field`: end) beyond what is open for booking: `horizonDays` of the resource, or null for the platform's two years; `latest` is the last instant allowed.",
    en: (p) =>
      p.horizonDays === null
        ? `Bookings open at most 2 years ahead: nothing after ${localMoment(p.latest, 'en', true)}.`
        : `${p.resource} can be booked at most ${p.horizonDays} days ahead.`,
    nb: (p) =>
      p.horizonDays === null
        ? `Bookinger åpner høyst 2 år frem: ikke noe etter ${localMoment(p.latest, 'nb', true)}.`
        : `${p.resource} kan bookes høyst ${p.horizonDays} dager frem.`,
  },
  CLOSED: {
    code: 'BAD_USER_INPUT',
    description: "The resource is closed for (part of) the time, for the board's reason `closure`.",
    en: (p) => `${p.resource} is closed then: ${p.closure}.`,
    nb: (p) => `${p.resource} er stengt da: ${p.closure}.`,
  },
  OUTSIDE_OPENING_HOURS: {
    code: 'BAD_USER_INPUT',
    description: "The time is (partly) outside the resource's opening hours, or on a day it is closed.",
    en: (p) => `The booking must be within the opening hours of ${p.resource}.`,
    nb: (p) => `Bookingen må være innenfor åpningstidene til ${p.resource}.`,
  },
  NOT_A_SLOT: {
    code: 'BAD_USER_INPUT',
    description: "The time is not exactly one of the resource's slots (`slots`, e.g. `07:00–10:00, 10:00–13:00`).",
    en: (p) => `The booking must be exactly one of the slots of ${p.resource} (${p.slots || 'none are set up'}).`,
    nb: (p) => `Bookingen må være nøyaktig én av tidene til ${p.resource} (${p.slots || 'ingen er satt opp'}).`,
  },
  DURATION_NOT_ALLOWED: {
    code: 'BAD_USER_INPUT',
    description: 'The booking is shorter than `minMinutes` or longer than `maxMinutes` (either may be null).',
    en: (p) => `The booking must last ${span(p, 'en')}.`,
    nb: (p) => `Bookingen må vare ${span(p, 'nb')}.`,
  },
  CHECK_IN_CHECK_OUT: {
    code: 'BAD_USER_INPUT',
    description: 'A stay must start at check-in time (`checkIn`) and end at check-out time (`checkOut`) on a later day.',
    en: (p) => `A stay must start at check-in time, ${p.checkIn}, and end at check-out time, ${p.checkOut}, on a later day.`,
    nb: (p) => `Et opphold må starte ved innsjekk, ${p.checkIn}, og slutte ved utsjekk, ${p.checkOut}, en senere dag.`,
  },
  RULES_NOT_ACCEPTED: {
    code: 'BAD_USER_INPUT',
    description: 'The resource asks the booker to accept its rules (`acceptRules`); show them and ask.',
    en: (p) => `You must accept the rules of ${p.resource} to book it.`,
    nb: (p) => `Du må godta reglene for ${p.resource} for å booke.`,
  },
  BOOKING_STARTED: {
    code: 'CONFLICT',
    description: 'The booker cannot cancel a booking that has started; the board can, until it ends. Offer to ask the board.',
    en: () => 'The booking has started; ask the board to cancel it.',
    nb: () => 'Bookingen har startet; be styret om å avbestille den.',
  },
  BOOKING_OVER: {
    code: 'CONFLICT',
    description: 'The booking is over and can no longer be cancelled.',
    en: () => 'The booking is over; it can no longer be cancelled.',
    nb: () => 'Bookingen er over og kan ikke lenger avbestilles.',
  },
  BOOKING_NOT_LIVE: {
    code: 'CONFLICT',
    description: 'The booking is already cancelled or rejected (`status`: CANCELLED or REJECTED); reload it.',
    en: (p) => `The booking is already ${p.status === 'REJECTED' ? 'rejected' : 'cancelled'}.`,
    nb: (p) => `Bookingen er allerede ${p.status === 'REJECTED' ? 'avvist' : 'avbestilt'}.`,
  },
  BOOKING_NOT_PENDING: {
    code: 'CONFLICT',
    description: 'The booking is not waiting for approval any more (`status`: CONFIRMED, CANCELLED or REJECTED); reload it.',
    en: (p) => `The booking is no longer waiting for approval; it is ${String(p.status).toLowerCase()}.`,
    nb: (p) => `Bookingen venter ikke lenger på godkjenning; den er ${BOOKING_STATUS_NB[String(p.status)] ?? String(p.status).toLowerCase()}.`,
  },
  NOT_YOUR_HOUSEHOLD: {
    code: 'BAD_USER_INPUT',
    description: "`unitId` is not one of the booker's households; leave it out to book for their first.",
    en: () => 'That unit is not one of your households; leave it out to use your first.',
    nb: () => 'Den boligen er ikke en av husstandene dine; la feltet stå tomt for å bruke den første.',
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
  POST_REMOVED: {
    code: 'CONFLICT',
    description: 'Moderation removed the post, so its thread takes no new comments; hide the comment field.',
    en: () => 'This post was removed by the board and takes no new comments.',
    nb: () => 'Dette innlegget er fjernet av styret og tar ikke imot nye kommentarer.',
  },
  NOT_SIGNED_UP: {
    code: 'NOT_FOUND',
    description: 'The member has no active sign-up for the event to change or cancel; offer signing up instead.',
    en: () => 'You are not signed up for this event.',
    nb: () => 'Du er ikke påmeldt dette arrangementet.',
  },
  PROCESSING_RESTRICTED: {
    code: 'FORBIDDEN',
    description:
      "The person's processing is restricted (decision 0038): nothing they change or add may be shown to others until it is lifted; what is withheld stays theirs to edit.",
    en: () => 'Your processing is restricted: nothing you change or add can be shown to others until the restriction is lifted.',
    nb: () => 'Behandlingen av opplysningene dine er begrenset: ingenting du endrer eller legger til kan vises for andre før begrensningen oppheves.',
  },
  CODE_OF_CONDUCT_NOT_ACCEPTED: {
    code: 'FORBIDDEN',
    description: "Posting and commenting need the association's code of conduct accepted: show `version` and ask the member to accept it.",
    en: (p) => `Accept the association's code of conduct (version ${p.version}) before posting.`,
    nb: (p) => `Godta foreningens retningslinjer (versjon ${p.version}) før du skriver.`,
  },
  TOO_MANY_STREAMS: {
    code: 'RATE_LIMITED',
    description: 'The person has as many live streams open as allowed (other tabs or devices); close one, or connect again after `retryAfterSeconds`.',
    en: () => 'You have too many live streams open already (other tabs or devices). Close one and connect again.',
    nb: () => 'Du har allerede for mange direktestrømmer åpne (andre faner eller enheter). Lukk én og koble til igjen.',
  },
  SERVER_SHUTTING_DOWN: {
    code: 'SERVICE_UNAVAILABLE',
    description:
      'The gateway (or the subgraph behind the live stream) is shutting down, for a restart or a deploy, and opens no new live stream; connect again at once, and another replica answers.',
    en: () => 'The server is restarting. Connect again.',
    nb: () => 'Serveren starter på nytt. Koble til igjen.',
  },
  TOO_MANY_REQUESTS: {
    code: 'RATE_LIMITED',
    description: 'The caller (person, API key, or network without a token) sent more requests this minute than allowed; wait `retryAfterSeconds`.',
    en: (p) => `Too many requests. Try again in ${counted(p.retryAfterSeconds, 'second', 'seconds')}.`,
    nb: (p) => `For mange forespørsler. Prøv igjen om ${counted(p.retryAfterSeconds, 'sekund', 'sekunder')}.`,
  },
  OUTCOME_UNKNOWN: {
    code: 'SERVICE_UNAVAILABLE',
    description:
      'The `serviceName` service did not answer a change after it may have received it (connection lost, timed out, 502/504): it may or may not have been saved; read it back before trying again.',
    en: (p) => `${serviceLabel(p.serviceName, 'en')} did not answer, so it is not known whether the change was saved. Check before trying again.`,
    nb: (p) => `${serviceLabel(p.serviceName, 'nb')} svarte ikke, så det er ukjent om endringen ble lagret. Sjekk før du prøver igjen.`,
  },
  OPERATION_NOT_TRUSTED: {
    code: 'FORBIDDEN',
    description:
      'The gateway serves only the documents of its trusted-documents manifest (TRUSTED_DOCUMENTS_PATH), and the request named or sent another; send a listed document or its SHA-256.',
    en: () => 'This operation is not on the list this API serves.',
    nb: () => 'Denne operasjonen står ikke på listen dette API-et svarer på.',
  },
  SUPPORT_SESSION_CLOSED: {
    code: 'FORBIDDEN',
    description: "The operator's support session is closed or has expired; open a new one to go on.",
    en: () => 'The support session is closed or has expired. Open a new one to go on.',
    nb: () => 'Støtteøkten er lukket eller utløpt. Åpne en ny for å fortsette.',
  },
  SUPPORT_SESSION_NO_STREAM: {
    code: 'FORBIDDEN',
    description: "A support session has no live stream (decision 0030); read the person's inbox through /graphql, where it is logged.",
    en: () => 'A support session has no live stream; read the inbox through /graphql, where it is logged.',
    nb: () => 'En støtteøkt har ingen direktestrøm; les innboksen gjennom /graphql, der det logges.',
  },
  SIGNUP_RESIDENTS_ONLY: {
    code: 'FORBIDDEN',
    description: 'Only residents and the board sign up for events; externals such as the caretaker may not, so hide the button.',
    en: () => 'Only residents and the board can sign up for events.',
    nb: () => 'Bare beboere og styret kan melde seg på arrangementer.',
  },
  EVENT_FULL: {
    code: 'CONFLICT',
    description:
      'A sign-up cannot grow: the event has too few free seats for it (`seatsLeft`), or `waitlistLength` sign-ups wait and take free seats first; the sign-up is unchanged.',
    en: (p) =>
      `Your sign-up cannot grow: ${counted(p.seatsLeft, 'free seat', 'free seats')}` +
      (Number(p.waitlistLength) > 0 ? `, and ${counted(p.waitlistLength, 'sign-up waits', 'sign-ups wait')} for a seat first.` : '.'),
    nb: (p) =>
      `Påmeldingen din kan ikke bli større: ${counted(p.seatsLeft, 'ledig plass', 'ledige plasser')}` +
      (Number(p.waitlistLength) > 0 ? `, og ${counted(p.waitlistLength, 'påmelding', 'påmeldinger')} på venteliste får plass først.` : '.'),
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
    en: (p) => `This password reset link expired at ${p.expiredAt}. Ask for a new one.`,
    nb: (p) => `Lenken for å tilbakestille passordet gikk ut ${p.expiredAt}. Be om en ny.`,
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
    en: (p) => `This invitation link expired at ${p.expiredAt}. Ask the board to send it again.`,
    nb: (p) => `Invitasjonslenken gikk ut ${p.expiredAt}. Be styret om å sende den på nytt.`,
  },
  RESIDENT_OR_EXTERNAL: {
    code: 'BAD_USER_INPUT',
    description:
      '`inviteMember` takes a resident (`unitId` and `relation`) or an external (`externalTitle`), exactly one of them; every field of the wrong side is reported.',
    en: () => 'Invite a resident with a unit and relation, or an external with a title, not both.',
    nb: () => 'Inviter en beboer med bolig og tilknytning, eller en ekstern med tittel, ikke begge deler.',
  },
  NOT_A_MEMBER: {
    code: 'BAD_USER_INPUT',
    description: 'The account has no membership in that association (`login` or `switchAssociation` naming it); `myMemberships` lists those it has.',
    en: () => 'You are not a member of that association.',
    nb: () => 'Du er ikke medlem av den foreningen.',
  },
  ALREADY_IN_ASSOCIATION: {
    code: 'BAD_USER_INPUT',
    description: '`switchAssociation` named the association the session is already in; nothing to switch.',
    en: () => 'You are already logged in to that association.',
    nb: () => 'Du er allerede logget inn i den foreningen.',
  },
  PASSWORD_REQUIRED: {
    code: 'BAD_USER_INPUT',
    description:
      "Accepting the invitation needs a password: the existing account's own (`existingAccount` true) or a new one of at least 10 characters to create the account.",
    en: (p) =>
      p.existingAccount
        ? 'This e-mail address already has a Tunet account: enter its password.'
        : 'Choose a password of at least 10 characters to create your account.',
    nb: (p) =>
      p.existingAccount
        ? 'Denne e-postadressen har allerede en Tunet-konto: skriv inn passordet til den.'
        : 'Velg et passord på minst 10 tegn for å opprette kontoen din.',
  },
  // Uploaded pictures (portraits, decision 0047): what a UI tells the person to pick instead.
  IMAGE_TYPE_NOT_ACCEPTED: {
    code: 'BAD_USER_INPUT',
    description: 'The upload is not a picture of a type taken here (`accepted`, e.g. `JPEG, PNG, WebP`), judged by its bytes; pick another.',
    en: (p) => `This is not a picture Tunet takes here. Choose a ${p.accepted} picture.`,
    nb: (p) => `Dette er ikke et bilde Tunet tar imot her. Velg et bilde i ${p.accepted}.`,
  },
  IMAGE_UNREADABLE: {
    code: 'BAD_USER_INPUT',
    description: 'The picture could not be decoded (damaged, or larger than the pixel limit); pick another.',
    en: () => 'The picture could not be read; it may be damaged. Choose another picture.',
    nb: () => 'Bildet kunne ikke leses; det kan være skadet. Velg et annet bilde.',
  },
  FILE_TOO_LARGE: {
    code: 'BAD_USER_INPUT',
    description: 'The upload is larger than `maximumBytes`; pick a smaller file or scale the picture down.',
    en: (p) => `The file is too large: at most ${Math.floor(Number(p.maximumBytes) / 1048576)} MB.`,
    nb: (p) => `Filen er for stor: høyst ${Math.floor(Number(p.maximumBytes) / 1048576)} MB.`,
  },
} satisfies Record<string, RefusalReasonDefinition>;

/**
 * Every `extensions.reason` a client can meet, in one list (the README's table is generated from it and a test keeps
 * the two equal). A UI branches on the reason, never on the message; the message is rendered from the reason and its
 * parameters in the caller's language (en or nb), so no validator's raw text reaches a person.
 */
export const errorReasons = { ...refusalReasons, ...gatewayErrorReasons };

/** A reason a subgraph or the gateway may `refuse()` with; the gateway's own (`gatewayErrorReasons`) are not among them. */
export type ErrorReason = keyof typeof refusalReasons;

const ROLE_NAMES: Record<MessageLocale, Record<string, string>> = {
  en: { RESIDENT: 'residents', BOARD: 'the board', EXTERNAL: 'externals' },
  nb: { RESIDENT: 'beboere', BOARD: 'styret', EXTERNAL: 'eksterne' },
};

/** `1 free seat`, `2 free seats`: a count with the word in the form it takes. */
function counted(n: ReasonParams[string] | undefined, one: string, many: string): string {
  return `${n} ${Number(n) === 1 ? one : many}`;
}

/** `RESIDENT,BOARD` as `residents and the board`. */
const MONTHS: Record<MessageLocale, readonly string[]> = {
  en: ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'],
  nb: ['jan.', 'feb.', 'mars', 'apr.', 'mai', 'juni', 'juli', 'aug.', 'sep.', 'okt.', 'nov.', 'des.'],
};

/**
 * A deadline parameter (an ISO date-time with the offset of the association's zone, so its digits are local time)
 * as a person reads it: `7 Dec at 06:36`, `7. des. kl. 06:36`, with the year when asked. Anything else as it came.
 */
function localMoment(iso: ReasonParams[string] | undefined, locale: MessageLocale, withYear = false): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}:\d{2})/.exec(String(iso));
  if (!match) return String(iso);
  const [, year, month, day, time] = match;
  const date = `${Number(day)}${locale === 'nb' ? '.' : ''} ${MONTHS[locale][Number(month) - 1]}${withYear ? ` ${year}` : ''}`;
  return locale === 'nb' ? `${date} kl. ${time}` : `${date} at ${time}`;
}

const BOOKING_STATUS_NB: Record<string, string> = { CONFIRMED: 'bekreftet', CANCELLED: 'avbestilt', REJECTED: 'avvist', PENDING: 'ventende' };

function roleNames(roles: string | number | boolean, locale: MessageLocale): string {
  const names = String(roles)
    .split(',')
    .map((role) => ROLE_NAMES[locale][role] ?? role);
  const and = locale === 'en' ? 'and' : 'og';
  return names.length === 1 ? names[0]! : `${names.slice(0, -1).join(', ')} ${and} ${names[names.length - 1]}`;
}

/** A quota's period in words, ` upcoming bookings`, ` bookings within 30 days`; nothing without a period. */
function quotaPeriod(p: ReasonParams, locale: MessageLocale): string {
  const en: Record<string, string> = {
    FUTURE: 'upcoming bookings',
    CALENDAR_YEAR: 'bookings in the calendar year',
    CALENDAR_MONTH: 'bookings in the calendar month',
    ROLLING: `bookings within ${p.periodDays} days`,
  };
  const nb: Record<string, string> = {
    FUTURE: 'kommende bookinger',
    CALENDAR_YEAR: 'bookinger i kalenderåret',
    CALENDAR_MONTH: 'bookinger i kalendermåneden',
    ROLLING: `bookinger innen ${p.periodDays} dager`,
  };
  const words = (locale === 'en' ? en : nb)[String(p.period)];
  return words ? ` ${words}` : '';
}

/** A duration's bounds in minutes, `minMinutes` and `maxMinutes`, either null. */
function span(p: ReasonParams, locale: MessageLocale): string {
  const [least, most, between] = locale === 'en' ? ['at least', 'at most', 'between'] : ['minst', 'høyst', 'mellom'];
  const unit = locale === 'en' ? 'minutes' : 'minutter';
  if (p.minMinutes === null) return `${most} ${p.maxMinutes} ${unit}`;
  if (p.maxMinutes === null) return `${least} ${p.minMinutes} ${unit}`;
  return `${between} ${p.minMinutes} ${locale === 'en' ? 'and' : 'og'} ${p.maxMinutes} ${unit}`;
}

/**
 * A refusal with its reason: `extensions` carry the code, the reason, its parameters and (for BAD_USER_INPUT) the
 * field; the message is the English text, which the gateway re-renders in the caller's language.
 */
export function refuse(reason: ErrorReason, params: ReasonParams = {}, field?: string): GraphQLError {
  const definition: RefusalReasonDefinition = refusalReasons[reason];
  const extensions = { code: definition.code, reason, ...params, ...(field ? { field } : {}) };
  return new GraphQLError(definition.en(params), { extensions });
}
