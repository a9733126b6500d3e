import { clientRoutes } from '@tunet/kit';
import type { Locale } from '../../model';
import { bilingual, paragraphs, type Render } from './bilingual';

/** What people read about posts, comments, events with sign-up, moderation, groups and the code of conduct (posts). */

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
  const link = clientRoutes.post(post.postId);
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
  const link = clientRoutes.comment(comment.postId, comment.commentId);
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
  const link = clientRoutes.event(signup.eventId);
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
  const link = clientRoutes.event(event.eventId);
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
  const link = clientRoutes.moderationCase(report.caseId);
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
  const link = post ? clientRoutes.post(moderation.postId) : clientRoutes.comment(moderation.postId, moderation.targetId);
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
  const link = clientRoutes.group(request.groupId);
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
  const link = clientRoutes.group(added.groupId);
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
  const link = clientRoutes.conduct();
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
