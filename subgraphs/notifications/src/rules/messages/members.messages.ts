import { clientRoutes } from '@tunet/kit';
import { bilingual, paragraphs, type Render } from './bilingual';

/** What people read about invitations, their account and membership (members). */

/** To the invitee's address: the link to accept, with the invitation's token in its fragment (decision 0025). */
export function invitation(invited: { displayName: string; token: string; expiresAt: string }, occurredAt: Date): Render {
  const link = clientRoutes.acceptInvitation(invited.token);
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

/** To the new address: the link that confirms it, with the change's token in its fragment (decision 0025). */
export function confirmNewEmail(change: { token: string; expiresAt: string }, occurredAt: Date): Render {
  const link = clientRoutes.confirmEmail(change.token);
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

/** To the account's login address: the one-time link to choose a new password, with its token in the fragment. */
export function passwordReset(reset: { token: string; expiresAt: string }, occurredAt: Date): Render {
  const link = clientRoutes.resetPassword(reset.token);
  return bilingual(occurredAt, {
    nb: (_association, clock) => ({
      title: 'Velg nytt passord i Tunet',
      body: paragraphs(
        'Noen har bedt om å tilbakestille passordet for kontoen din. Velg et nytt passord med lenken under; da logges du ut overalt og logger inn igjen med det nye passordet.',
        `Lenken virker én gang, til ${clock.dateTime(reset.expiresAt)}. Har du ikke bedt om dette, kan du se bort fra e-posten: passordet ditt er uendret.`,
      ),
      link,
      action: 'Velg nytt passord',
    }),
    en: (_association, clock) => ({
      title: 'Choose a new password for Tunet',
      body: paragraphs(
        'Someone asked to reset the password of your account. Choose a new password with the link below; you are then logged out everywhere and log in again with the new one.',
        `The link works once, until ${clock.dateTime(reset.expiresAt)}. If you did not ask for this, you can ignore this e-mail: your password is unchanged.`,
      ),
      link,
      action: 'Choose a new password',
    }),
  });
}

/** To the old address: a warning without the link, so that a hijacked session cannot go unnoticed. */
export function emailChanging(change: { newEmail: string }, occurredAt: Date): Render {
  const link = clientRoutes.account();
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
  const link = clientRoutes.notificationSettings();
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
