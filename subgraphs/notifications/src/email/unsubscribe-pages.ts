import type { Category, Locale } from '../model';
import { escapeHtml, labelList } from './email-layout';

/**
 * The small pages of the unsubscribe link, in the e-mail's language. A link that names nobody (tampered, cut
 * short) gets its page in both languages: there is no one whose language to know.
 */
export type UnsubscribePage = { kind: 'confirm' | 'done' | 'refused'; locale: Locale; categories: readonly Category[] } | { kind: 'invalid' | 'bad_request' };

const TEXTS = {
  nb: {
    confirm: {
      title: 'Slå av e-post?',
      text: (labels: string) => `Vil du slutte å få e-post om ${labels}? Bare e-posten slås av: varslene i Tunet og på mobilen endres ikke.`,
    },
    done: {
      title: 'E-post er slått av',
      text: (labels: string) => `Du får ikke lenger e-post om ${labels}. Du kan slå den på igjen i varslingsinnstillingene.`,
    },
    refused: {
      title: 'Dette kan ikke slås av her',
      text: (labels: string) =>
        `${labels} må nå deg på minst én måte: e-post, push eller SMS. Slå på push eller SMS for dem i varslingsinnstillingene først, så kan du slå av e-posten.`,
    },
    invalid: { title: 'Lenken er ikke gyldig', text: 'Lenken er ikke gyldig. Du kan velge hvilke e-poster du får i varslingsinnstillingene i Tunet.' },
    bad_request: { title: 'Ugyldig forespørsel', text: 'Forespørselen kunne ikke behandles. Åpne lenken i e-posten på nytt.' },
    button: 'Slå av e-post',
    settings: 'Varslingsinnstillinger',
  },
  en: {
    confirm: {
      title: 'Turn off e-mail?',
      text: (labels: string) =>
        `Do you want to stop getting e-mail about ${labels}? Only e-mail is turned off: notifications in Tunet and on your phone stay as they are.`,
    },
    done: {
      title: 'E-mail is turned off',
      text: (labels: string) => `You will no longer get e-mail about ${labels}. You can turn it back on in your notification settings.`,
    },
    refused: {
      title: 'This cannot be turned off here',
      text: (labels: string) =>
        `${labels} must reach you in at least one way: e-mail, push or SMS. Turn on push or SMS for them in your notification settings first; then you can turn off e-mail.`,
    },
    invalid: { title: 'This link is not valid', text: 'This link is not valid. You can choose which e-mails you get in your notification settings in Tunet.' },
    bad_request: { title: 'Invalid request', text: 'The request could not be handled. Open the link in the e-mail again.' },
    button: 'Turn off e-mail',
    settings: 'Notification settings',
  },
} as const;

/** The whole HTML page; `settingsUrl` is the web app's notification settings. */
export function unsubscribePage(page: UnsubscribePage, settingsUrl: string): string {
  if (!('locale' in page)) {
    const { kind } = page;
    const sections = (['nb', 'en'] as const).map((locale) => section(locale, TEXTS[locale][kind].title, TEXTS[locale][kind].text, settingsUrl));
    return html('nb', `${TEXTS.nb[kind].title} / ${TEXTS.en[kind].title}`, sections.join('\n<hr>\n'));
  }
  const t = TEXTS[page.locale];
  const labels = labelList(page.locale, page.categories);
  const texts = t[page.kind];
  const form =
    page.kind === 'confirm'
      ? `<form method="post"><input type="hidden" name="confirm" value="yes"><button type="submit">${escapeHtml(t.button)}</button></form>`
      : '';
  return html(page.locale, texts.title, section(page.locale, texts.title, texts.text(labels), settingsUrl, form));
}

function section(locale: Locale, title: string, text: string, settingsUrl: string, form = ''): string {
  return [
    `<section lang="${locale}">`,
    `<h1>${escapeHtml(title)}</h1>`,
    `<p>${escapeHtml(text)}</p>`,
    form,
    `<p><a href="${escapeHtml(settingsUrl)}">${escapeHtml(TEXTS[locale].settings)}</a></p>`,
    '</section>',
  ].join('\n');
}

function html(locale: Locale, title: string, body: string): string {
  return `<!doctype html>
<html lang="${locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${escapeHtml(title)}</title>
<style>
body { margin: 0; padding: 32px 16px; background: #f4f4f5; color: #18181b; font: 16px/1.5 -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif; }
main { max-width: 560px; margin: 0 auto; padding: 32px; background: #fff; border-radius: 8px; }
h1 { margin: 0 0 16px; font-size: 22px; line-height: 1.3; }
button { padding: 12px 20px; border: 0; border-radius: 6px; background: #1d4ed8; color: #fff; font: inherit; font-weight: bold; cursor: pointer; }
a { color: #1d4ed8; }
hr { margin: 24px 0; border: 0; border-top: 1px solid #e4e4e7; }
</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>
`;
}
