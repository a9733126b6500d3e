import { DateTime } from 'luxon';
import type { AssociationInfo, Locale, NotificationIntent, RenderedMessage } from '../model';

/**
 * What people read: every notification's title, body, link and button in Norwegian (bokmål) and English. Each
 * builder takes what the rule read from the event and returns the intent's `render`. Dates and times are shown in
 * the association's time zone, with the year only when it is not the year the event happened.
 */

type Render = NotificationIntent['render'];

/** Formats instants and dates for one language and zone, relative to when the event happened. */
class Clock {
  constructor(
    private readonly locale: Locale,
    private readonly zone: string,
    private readonly reference: Date,
  ) {}

  /** `tirsdag 24. november kl. 18:00` / `Tuesday 24 November at 18:00`. */
  dateTime(instant: string): string {
    return `${this.day(this.at(instant))} ${this.locale === 'nb' ? 'kl.' : 'at'} ${this.at(instant).toFormat('HH:mm')}`;
  }

  /** A calendar date (YYYY-MM-DD): `1. januar 2099` / `1 January 2099`, without the weekday. */
  date(isoDate: string): string {
    const day = DateTime.fromISO(isoDate, { zone: this.zone }).setLocale(this.luxonLocale());
    return day.toFormat(this.locale === 'nb' ? `d. LLLL${this.year(day)}` : `d LLLL${this.year(day)}`);
  }

  /** A booking's time: one day with both times, or from one day and time to another. */
  range(start: string, end: string): string {
    const [from, to] = [this.at(start), this.at(end)];
    if (from.hasSame(to, 'day')) {
      return `${this.day(from)}${this.locale === 'nb' ? ' kl.' : ','} ${from.toFormat('HH:mm')}–${to.toFormat('HH:mm')}`;
    }
    return this.locale === 'nb'
      ? `fra ${this.dateTime(start)} til ${this.dateTime(end)}`
      : `from ${this.dateTime(start)} to ${this.dateTime(end)}`;
  }

  private at(instant: string): DateTime {
    return DateTime.fromISO(instant, { zone: this.zone }).setLocale(this.luxonLocale());
  }

  private day(at: DateTime): string {
    return at.toFormat(this.locale === 'nb' ? `cccc d. LLLL${this.year(at)}` : `cccc d LLLL${this.year(at)}`);
  }

  private year(at: DateTime): string {
    return at.year === DateTime.fromJSDate(this.reference, { zone: this.zone }).year ? '' : ' yyyy';
  }

  private luxonLocale(): string {
    // British English writes the day before the month, as Norwegians do.
    return this.locale === 'nb' ? 'nb' : 'en-GB';
  }
}

/** The text of one message in each language; `clock` formats dates for that language. */
type Variants = Record<Locale, (association: AssociationInfo, clock: Clock) => RenderedMessage>;

function bilingual(occurredAt: Date, variants: Variants): Render {
  return (locale, association) => variants[locale](association, new Clock(locale, association.timeZone, occurredAt));
}

function paragraphs(...parts: (string | null | false | undefined)[]): string {
  return parts.filter((part): part is string => Boolean(part)).join('\n\n');
}

// --- posts -------------------------------------------------------------------------------------------------------

/** What a post announcement shows of the post. */
export interface PostPublished {
  postId: string;
  kind: 'news' | 'bulletin' | 'article';
  title: string;
  excerpt: string;
  important: boolean;
}

/** A new post in the feed: its own title, and the start of its text. */
export function postPublished(post: PostPublished, occurredAt: Date): Render {
  const link = `/posts/${post.postId}`;
  return bilingual(occurredAt, {
    nb: (association) => ({
      title: post.title,
      body: paragraphs(
        post.excerpt,
        post.important
          ? `Viktig melding fra styret i ${association.name}.`
          : `${post.kind === 'article' ? 'Ny artikkel' : post.kind === 'news' ? 'Nyhet' : 'Nytt oppslag'} i ${association.name}.`,
      ),
      link,
      action: 'Les innlegget',
    }),
    en: (association) => ({
      title: post.title,
      body: paragraphs(
        post.excerpt,
        post.important
          ? `An important notice from the board of ${association.name}.`
          : `${post.kind === 'article' ? 'A new article' : post.kind === 'news' ? 'News' : 'A new bulletin'} in ${association.name}.`,
      ),
      link,
      action: 'Read the post',
    }),
  });
}

/** Someone answered in a conversation the recipient wrote or took part in. */
export function commentCreated(comment: { postId: string; commentId: string }, occurredAt: Date): Render {
  const link = `/posts/${comment.postId}#comment-${comment.commentId}`;
  return bilingual(occurredAt, {
    nb: () => ({
      title: 'Ny kommentar',
      body: 'Det er kommet en ny kommentar til et innlegg du har skrevet eller kommentert.',
      link,
      action: 'Les kommentaren',
    }),
    en: () => ({
      title: 'New comment',
      body: 'There is a new comment on a post you wrote or commented on.',
      link,
      action: 'Read the comment',
    }),
  });
}

/** A place freed up on an event the recipient was waitlisted for. */
export function signupPromoted(signup: { eventId: string }, occurredAt: Date): Render {
  const link = `/events/${signup.eventId}`;
  return bilingual(occurredAt, {
    nb: () => ({
      title: 'Du har fått plass',
      body: 'Det ble ledig plass på et arrangement du sto på venteliste til, og påmeldingen din er nå bekreftet. Kan du likevel ikke komme, meld deg av så andre får plassen.',
      link,
      action: 'Se arrangementet',
    }),
    en: () => ({
      title: 'You have a place',
      body: 'A place freed up at an event you were on the waiting list for, and your sign-up is now confirmed. If you cannot come after all, cancel so that someone else gets the place.',
      link,
      action: 'See the event',
    }),
  });
}

/** The day before an event the recipient signed up for. */
export function eventReminder(event: { eventId: string; title: string; startsAt: string; place: string }, occurredAt: Date): Render {
  const link = `/events/${event.eventId}`;
  return bilingual(occurredAt, {
    nb: (_association, clock) => ({
      title: `Påminnelse: ${event.title}`,
      body: paragraphs(`«${event.title}» begynner ${clock.dateTime(event.startsAt)}.`, event.place && `Sted: ${event.place}.`, 'Du er påmeldt.'),
      link,
      action: 'Se arrangementet',
    }),
    en: (_association, clock) => ({
      title: `Reminder: ${event.title}`,
      body: paragraphs(`“${event.title}” starts ${clock.dateTime(event.startsAt)}.`, event.place && `Place: ${event.place}.`, 'You are signed up.'),
      link,
      action: 'See the event',
    }),
  });
}

type ReportReason = 'OFFENSIVE' | 'SPAM' | 'ILLEGAL' | 'OTHER';
type TargetType = 'POST' | 'COMMENT';

const REPORT_REASONS: Record<Locale, Record<ReportReason, string>> = {
  nb: { OFFENSIVE: 'støtende', SPAM: 'reklame eller spam', ILLEGAL: 'ulovlig', OTHER: 'upassende av en annen grunn' },
  en: { OFFENSIVE: 'offensive', SPAM: 'advertising or spam', ILLEGAL: 'illegal', OTHER: 'inappropriate for another reason' },
};

/** For the board: someone reported a post or comment, which may now be hidden until the board decides. */
export function contentReported(
  report: { caseId: string; targetType: TargetType; reason: ReportReason; householdCount: number; hidden: boolean },
  occurredAt: Date,
): Render {
  const link = `/moderation/${report.caseId}`;
  const households = report.householdCount;
  return bilingual(occurredAt, {
    nb: () => ({
      title: report.targetType === 'POST' ? 'Et innlegg er rapportert' : 'En kommentar er rapportert',
      body: paragraphs(
        `${report.targetType === 'POST' ? 'Innlegget' : 'Kommentaren'} er rapportert som ${REPORT_REASONS.nb[report.reason]}, av ${households} ${households === 1 ? 'husstand' : 'husstander'} så langt.`,
        report.hidden ? 'Det er skjult for andre til styret har vurdert saken.' : 'Det er fortsatt synlig.',
      ),
      link,
      action: 'Vurder saken',
    }),
    en: () => ({
      title: report.targetType === 'POST' ? 'A post was reported' : 'A comment was reported',
      body: paragraphs(
        `The ${report.targetType === 'POST' ? 'post' : 'comment'} was reported as ${REPORT_REASONS.en[report.reason]}, by ${households} ${households === 1 ? 'household' : 'households'} so far.`,
        report.hidden ? 'It is hidden from others until the board has reviewed the case.' : 'It is still visible.',
      ),
      link,
      action: 'Review the case',
    }),
  });
}

type ModerationAction = 'HIDE' | 'RESTORE' | 'REMOVE';

/** For the author: the board (or enough reports) hid, restored or removed what they wrote, and why. */
export function contentModerated(
  moderation: { action: ModerationAction; reason: string; targetType: TargetType; targetId: string; postId: string },
  occurredAt: Date,
): Render {
  const post = moderation.targetType === 'POST';
  const link = post ? `/posts/${moderation.postId}` : `/posts/${moderation.postId}#comment-${moderation.targetId}`;
  const nbWhat = post ? 'Innlegget ditt' : 'Kommentaren din';
  const enWhat = post ? 'Your post' : 'Your comment';
  const nbDone: Record<ModerationAction, string> = { HIDE: 'er skjult', RESTORE: 'er synlig igjen', REMOVE: 'er fjernet' };
  const enDone: Record<ModerationAction, string> = { HIDE: 'has been hidden', RESTORE: 'is visible again', REMOVE: 'has been removed' };
  return bilingual(occurredAt, {
    nb: () => ({
      title: `${nbWhat} ${nbDone[moderation.action]}`,
      body: paragraphs(
        `${nbWhat} ${nbDone[moderation.action]}${moderation.action === 'HIDE' ? ' til styret har vurdert det' : ' etter styrets vurdering'}.`,
        `Begrunnelse: ${moderation.reason}`,
        moderation.action !== 'RESTORE' && 'Mener du at dette er feil, ta kontakt med styret.',
      ),
      link,
      action: post ? 'Se innlegget' : 'Se kommentaren',
    }),
    en: () => ({
      title: `${enWhat} ${enDone[moderation.action]}`,
      body: paragraphs(
        `${enWhat} ${enDone[moderation.action]}${moderation.action === 'HIDE' ? ' until the board has reviewed it' : ' after the board reviewed it'}.`,
        `Reason: ${moderation.reason}`,
        moderation.action !== 'RESTORE' && 'If you think this is a mistake, contact the board.',
      ),
      link,
      action: post ? 'See the post' : 'See the comment',
    }),
  });
}

/** For a group's admins: a member asked to join their closed group. */
export function joinRequested(request: { groupId: string }, occurredAt: Date): Render {
  const link = `/groups/${request.groupId}`;
  return bilingual(occurredAt, {
    nb: () => ({
      title: 'Noen vil bli med i gruppen din',
      body: 'En nabo har bedt om å bli med i en gruppe du er administrator for. Godta eller avslå forespørselen.',
      link,
      action: 'Se forespørselen',
    }),
    en: () => ({
      title: 'Someone wants to join your group',
      body: 'A neighbour asked to join a group you are an admin of. Approve or decline the request.',
      link,
      action: 'See the request',
    }),
  });
}

/** For a member someone else let into a group: an approved request, or an admin adding them. */
export function addedToGroup(added: { groupId: string; role: 'member' | 'admin' }, occurredAt: Date): Render {
  const link = `/groups/${added.groupId}`;
  const admin = added.role === 'admin';
  return bilingual(occurredAt, {
    nb: () => ({
      title: 'Du er med i en ny gruppe',
      body: admin ? 'Du er lagt til som administrator i en gruppe.' : 'Du er lagt til i en gruppe, og ser nå innleggene der.',
      link,
      action: 'Gå til gruppen',
    }),
    en: () => ({
      title: 'You are in a new group',
      body: admin ? 'You were added to a group as an admin.' : 'You were added to a group and now see its posts.',
      link,
      action: 'Go to the group',
    }),
  });
}

/** A new version of the code of conduct, which everyone must accept before posting again. */
export function conductPublished(conduct: { version: number }, occurredAt: Date): Render {
  const link = '/conduct';
  return bilingual(occurredAt, {
    nb: (association) => ({
      title: 'Nye retningslinjer for god skikk',
      body: paragraphs(
        `Styret i ${association.name} har publisert versjon ${conduct.version} av retningslinjene for god skikk.`,
        'Les og godta dem før du skriver nye innlegg eller kommentarer.',
      ),
      link,
      action: 'Les retningslinjene',
    }),
    en: (association) => ({
      title: 'A new code of conduct',
      body: paragraphs(
        `The board of ${association.name} has published version ${conduct.version} of the code of conduct.`,
        'Read and accept it before you write new posts or comments.',
      ),
      link,
      action: 'Read the code of conduct',
    }),
  });
}

// --- reservations ------------------------------------------------------------------------------------------------

/** What every reservation event says about its booking. */
export interface BookingSummary {
  bookingId: string;
  resourceName: string;
  start: string;
  end: string;
}

/** What reservations writes as the reason when a move-out cancels a booking (lifecycle.move-outs.ts). */
export const MOVED_OUT_REASON = 'Moved out';

/** For the booker: the booking is confirmed (at once, or approved by the board). */
export function bookingConfirmed(booking: BookingSummary, occurredAt: Date): Render {
  const link = `/bookings/${booking.bookingId}`;
  return bilingual(occurredAt, {
    nb: (_association, clock) => ({
      title: `Booking bekreftet: ${booking.resourceName}`,
      body: `Bookingen din av ${booking.resourceName} ${clock.range(booking.start, booking.end)} er bekreftet.`,
      link,
      action: 'Se bookingen',
    }),
    en: (_association, clock) => ({
      title: `Booking confirmed: ${booking.resourceName}`,
      body: `Your booking of ${booking.resourceName} ${clock.range(booking.start, booking.end)} is confirmed.`,
      link,
      action: 'See the booking',
    }),
  });
}

/** For the booker: the board declined or cancelled the booking, or a move-out ended it. */
export function bookingCancelled(
  booking: BookingSummary & { reason: string | null; byBoard: boolean; rejected: boolean },
  occurredAt: Date,
): Render {
  const link = `/bookings/${booking.bookingId}`;
  const movedOut = booking.reason === MOVED_OUT_REASON;
  const reason = movedOut ? null : booking.reason;
  return bilingual(occurredAt, {
    nb: (_association, clock) => {
      const what = `bookingen din av ${booking.resourceName} ${clock.range(booking.start, booking.end)}`;
      return {
        title: booking.rejected ? `Booking avslått: ${booking.resourceName}` : `Booking avlyst: ${booking.resourceName}`,
        body: paragraphs(
          booking.rejected
            ? `Styret har avslått ${what}.`
            : movedOut
              ? `${capitalize(what)} er avlyst fordi du flytter ut før den begynner.`
              : booking.byBoard
                ? `Styret har avlyst ${what}.`
                : `${capitalize(what)} er avlyst.`,
          reason && `Begrunnelse: ${reason}`,
        ),
        link,
        action: 'Se bookingen',
      };
    },
    en: (_association, clock) => {
      const what = `your booking of ${booking.resourceName} ${clock.range(booking.start, booking.end)}`;
      return {
        title: booking.rejected ? `Booking declined: ${booking.resourceName}` : `Booking cancelled: ${booking.resourceName}`,
        body: paragraphs(
          booking.rejected
            ? `The board has declined ${what}.`
            : movedOut
              ? `${capitalize(what)} is cancelled because you move out before it starts.`
              : booking.byBoard
                ? `The board has cancelled ${what}.`
                : `${capitalize(what)} is cancelled.`,
          reason && `Reason: ${reason}`,
        ),
        link,
        action: 'See the booking',
      };
    },
  });
}

/** For the board: a booking of a resource that needs approval waits for its decision. */
export function bookingAwaitsApproval(booking: BookingSummary, occurredAt: Date): Render {
  const link = `/bookings/${booking.bookingId}`;
  return bilingual(occurredAt, {
    nb: (_association, clock) => ({
      title: `Booking venter på godkjenning: ${booking.resourceName}`,
      body: `En booking av ${booking.resourceName} ${clock.range(booking.start, booking.end)} venter på at styret godkjenner eller avslår den.`,
      link,
      action: 'Behandle bookingen',
    }),
    en: (_association, clock) => ({
      title: `Booking awaits approval: ${booking.resourceName}`,
      body: `A booking of ${booking.resourceName} ${clock.range(booking.start, booking.end)} waits for the board to approve or decline it.`,
      link,
      action: 'Decide on the booking',
    }),
  });
}

/** For the booker, the day before. */
export function bookingReminder(booking: BookingSummary, occurredAt: Date): Render {
  const link = `/bookings/${booking.bookingId}`;
  return bilingual(occurredAt, {
    nb: (_association, clock) => ({
      title: `Påminnelse: ${booking.resourceName}`,
      body: `Du har booket ${booking.resourceName} ${clock.range(booking.start, booking.end)}.`,
      link,
      action: 'Se bookingen',
    }),
    en: (_association, clock) => ({
      title: `Reminder: ${booking.resourceName}`,
      body: `You have booked ${booking.resourceName} ${clock.range(booking.start, booking.end)}.`,
      link,
      action: 'See the booking',
    }),
  });
}

// --- members -----------------------------------------------------------------------------------------------------

/** To the invitee's address: the link to accept, which carries the invitation's token. */
export function invitation(invited: { displayName: string; token: string; expiresAt: string }, occurredAt: Date): Render {
  const link = `/invitations/${encodeURIComponent(invited.token)}`;
  return bilingual(occurredAt, {
    nb: (association, clock) => ({
      title: `Invitasjon til ${association.name}`,
      body: paragraphs(
        invited.displayName ? `Hei, ${invited.displayName}!` : 'Hei!',
        `Styret i ${association.name} inviterer deg til Tunet, der naboene får nyheter fra styret, melder seg på arrangementer og booker fellesrom.`,
        `Lenken gjelder til ${clock.dateTime(invited.expiresAt)}.`,
      ),
      link,
      action: 'Godta invitasjonen',
    }),
    en: (association, clock) => ({
      title: `Invitation to ${association.name}`,
      body: paragraphs(
        invited.displayName ? `Hello, ${invited.displayName}!` : 'Hello!',
        `The board of ${association.name} invites you to Tunet, where neighbours get news from the board, sign up for events and book shared rooms.`,
        `The link is valid until ${clock.dateTime(invited.expiresAt)}.`,
      ),
      link,
      action: 'Accept the invitation',
    }),
  });
}

/** To the new address: the link that confirms it, which carries the change's token. */
export function confirmNewEmail(change: { token: string; expiresAt: string }, occurredAt: Date): Render {
  const link = `/account/email/${encodeURIComponent(change.token)}`;
  return bilingual(occurredAt, {
    nb: (_association, clock) => ({
      title: 'Bekreft den nye e-postadressen din',
      body: paragraphs(
        'Du har bedt om å logge inn i Tunet med denne e-postadressen. Bekreft at den er din, så tas den i bruk.',
        `Lenken gjelder til ${clock.dateTime(change.expiresAt)}. Har du ikke bedt om dette, kan du se bort fra e-posten.`,
      ),
      link,
      action: 'Bekreft adressen',
    }),
    en: (_association, clock) => ({
      title: 'Confirm your new e-mail address',
      body: paragraphs(
        'You asked to log in to Tunet with this e-mail address. Confirm that it is yours, and it will be used from then on.',
        `The link is valid until ${clock.dateTime(change.expiresAt)}. If you did not ask for this, you can ignore this e-mail.`,
      ),
      link,
      action: 'Confirm the address',
    }),
  });
}

/** To the old address: a warning without the link, so that a hijacked session cannot go unnoticed. */
export function emailChanging(change: { newEmail: string }, occurredAt: Date): Render {
  const link = '/account';
  return bilingual(occurredAt, {
    nb: () => ({
      title: 'E-postadressen for kontoen din endres',
      body: paragraphs(
        `Det er bedt om å endre e-postadressen du logger inn i Tunet med, til ${change.newEmail}. Endringen skjer når den nye adressen er bekreftet.`,
        'Var det ikke deg, bytt passordet ditt med en gang og si fra til styret.',
      ),
      link,
      action: 'Gå til kontoen din',
    }),
    en: () => ({
      title: 'The e-mail address of your account is being changed',
      body: paragraphs(
        `Someone asked to change the e-mail address you log in to Tunet with to ${change.newEmail}. The change takes effect once the new address is confirmed.`,
        'If this was not you, change your password at once and tell the board.',
      ),
      link,
      action: 'Go to your account',
    }),
  });
}

/** To the suspended member: why, and until when (the last day included). */
export function suspended(suspension: { reason: string; until: string | null }, occurredAt: Date): Render {
  return bilingual(occurredAt, {
    nb: (association, clock) => ({
      title: 'Medlemskapet ditt er suspendert',
      body: paragraphs(
        `Styret i ${association.name} har suspendert medlemskapet ditt${suspension.until ? ` til og med ${clock.date(suspension.until)}` : ' inntil videre'}. Så lenge suspensjonen varer, kan du ikke logge inn.`,
        `Begrunnelse: ${suspension.reason}`,
      ),
      link: null,
    }),
    en: (association, clock) => ({
      title: 'Your membership is suspended',
      body: paragraphs(
        `The board of ${association.name} has suspended your membership${suspension.until ? ` up to and including ${clock.date(suspension.until)}` : ' until further notice'}. While it lasts, you cannot log in.`,
        `Reason: ${suspension.reason}`,
      ),
      link: null,
    }),
  });
}

/** To a new member who accepted their invitation. */
export function welcome(occurredAt: Date): Render {
  const link = '/account/notifications';
  return bilingual(occurredAt, {
    nb: (association) => ({
      title: `Velkommen til ${association.name}`,
      body: paragraphs(
        `Du er nå med i ${association.name} på Tunet. Her får du nyheter fra styret, melder deg på arrangementer, blir med i grupper og booker fellesrom.`,
        'Velg selv hvordan du vil bli varslet: i appen, på e-post eller som pushvarsel.',
      ),
      link,
      action: 'Velg varsler',
    }),
    en: (association) => ({
      title: `Welcome to ${association.name}`,
      body: paragraphs(
        `You are now a member of ${association.name} on Tunet. Here you get news from the board, sign up for events, join groups and book shared rooms.`,
        'Choose how you want to be notified: in the app, by e-mail or by push notification.',
      ),
      link,
      action: 'Choose notifications',
    }),
  });
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
