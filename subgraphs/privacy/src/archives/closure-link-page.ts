/**
 * The small page of a terminated association's export link (docs/decisions/0037), in Norwegian and English: nobody
 * can log in any more, so there is no one whose language to know. It asks for the access code and posts it back.
 */
export type ClosureLinkPage = 'ask' | 'wrong_code' | 'locked' | 'expired' | 'revoked' | 'gone' | 'invalid' | 'bad_request';

const TEXTS: Record<'nb' | 'en', Record<ClosureLinkPage, string> & { title: string; code: string; button: string; attemptsLeft: (n: number) => string }> = {
  nb: {
    title: 'Kopi av foreningens innhold',
    ask: 'Her kan dere laste ned kopien av alt innholdet foreningen hadde i Tunet. Skriv inn tilgangskoden dere fikk fra Tunet på en annen måte enn denne lenken.',
    wrong_code: 'Koden stemmer ikke. Sjekk at den er skrevet av riktig.',
    locked: 'Lenken er sperret etter for mange feil koder. Be Tunet om en ny lenke.',
    expired: 'Lenken er utløpt. Be Tunet om en ny lenke så lenge kopien fortsatt er tilgjengelig.',
    revoked: 'Lenken er erstattet av en nyere lenke fra Tunet. Bruk den nyeste.',
    gone: 'Kopien er ikke lenger tilgjengelig: tiden den skulle være tilgjengelig er over, og innholdet slettes.',
    invalid: 'Lenken er ikke gyldig.',
    bad_request: 'Forespørselen kunne ikke behandles. Skriv inn koden på nytt.',
    code: 'Tilgangskode',
    button: 'Last ned',
    attemptsLeft: (n) => `Du har ${n} forsøk igjen før lenken sperres.`,
  },
  en: {
    title: "A copy of the association's content",
    ask: 'Here you can download the copy of all the content the association had in Tunet. Enter the access code Tunet gave you in another way than this link.',
    wrong_code: 'The code is not right. Check that it was copied correctly.',
    locked: 'The link is locked after too many wrong codes. Ask Tunet for a new link.',
    expired: 'The link has expired. Ask Tunet for a new one while the copy is still available.',
    revoked: 'The link was replaced by a newer one from Tunet. Use the newest.',
    gone: 'The copy is no longer available: its time is over, and the content is being deleted.',
    invalid: 'This link is not valid.',
    bad_request: 'The request could not be handled. Enter the code again.',
    code: 'Access code',
    button: 'Download',
    attemptsLeft: (n) => `You have ${n} tries left before the link is locked.`,
  },
};

/** Pages that show the form again: the person can (still) enter the code. */
const WITH_FORM: ReadonlySet<ClosureLinkPage> = new Set(['ask', 'wrong_code', 'bad_request']);

/** The whole HTML page; `attemptsLeft` is said after a wrong code. */
export function closureLinkPage(page: ClosureLinkPage, attemptsLeft?: number): string {
  const sections = (['nb', 'en'] as const).map((locale) => {
    const t = TEXTS[locale];
    const left = page === 'wrong_code' && attemptsLeft !== undefined ? ` ${t.attemptsLeft(attemptsLeft)}` : '';
    return [`<section lang="${locale}">`, `<h1>${escapeHtml(t.title)}</h1>`, `<p>${escapeHtml(t[page] + left)}</p>`, '</section>'].join('\n');
  });
  const form = WITH_FORM.has(page)
    ? `<form method="post"><label>${escapeHtml(`${TEXTS.nb.code} / ${TEXTS.en.code}`)}<br>` +
      '<input name="code" autocomplete="off" autocapitalize="characters" spellcheck="false" maxlength="20" required></label> ' +
      `<button type="submit">${escapeHtml(`${TEXTS.nb.button} / ${TEXTS.en.button}`)}</button></form>`
    : '';
  return `<!doctype html>
<html lang="nb">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${escapeHtml(`${TEXTS.nb.title} / ${TEXTS.en.title}`)}</title>
<style>
body { margin: 0; padding: 32px 16px; background: #f4f4f5; color: #18181b; font: 16px/1.5 -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif; }
main { max-width: 560px; margin: 0 auto; padding: 32px; background: #fff; border-radius: 8px; }
input { font: inherit; padding: 6px; letter-spacing: 2px; }
</style>
</head>
<body><main>
${sections.join('\n<hr>\n')}
${form}
</main></body>
</html>`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
