import type { Category, Locale } from '../model';

/**
 * How Tunet's e-mails look, in Norwegian and English: one notification, or a day's digest of several. Pure: the
 * channel and the digest job fill in the links, this only lays them out, as HTML (every text escaped) and as
 * plain text for clients that show no HTML.
 */

/** What a person sees in a message, ready to send. */
export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

/** The categories by name, as a person reads them in settings. */
export const CATEGORY_LABELS: Record<Locale, Record<Category, string>> = {
  nb: {
    news: 'Nyheter',
    important: 'Viktige meldinger',
    comments: 'Kommentarer',
    events: 'Arrangementer',
    reservations: 'Reservasjoner',
    service_requests: 'Henvendelser',
    account: 'Konto og sikkerhet',
    billing: 'Abonnement, fakturaer og vilkår',
    privacy: 'Personvern',
  },
  en: {
    news: 'News',
    important: 'Important notices',
    comments: 'Comments',
    events: 'Events',
    reservations: 'Bookings',
    service_requests: 'Service requests',
    account: 'Account and security',
    billing: 'Subscription, invoices and terms of service',
    privacy: 'Privacy',
  },
};

const TEXTS = {
  nb: {
    open: 'Åpne i Tunet',
    important: 'Viktig melding',
    readMore: 'Les mer',
    settings: 'Varslingsinnstillinger',
    because: (labels: string) => `Du får denne e-posten fordi e-postvarsler for ${labels} er slått på for deg i Tunet.`,
    turnOff: (labels: string) => `Slå av e-post for ${labels}`,
    addressOnly: 'Du får denne e-posten fordi e-postadressen din ble oppgitt i Tunet. Kjenner du ikke igjen dette, kan du se bort fra den.',
    digestSubject: (count: number) => `Dine varsler fra Tunet (${count})`,
    digestTitle: 'Dine varsler',
    digestIntro: (count: number) =>
      count === 1 ? 'Dette har skjedd siden forrige oppsummering:' : `Dette har skjedd siden forrige oppsummering (${count} varsler):`,
    digestBecause: 'Du får denne oppsummeringen fordi du har valgt å samle e-postvarslene dine i én e-post om dagen.',
    and: 'og',
    quote: (label: string) => `«${label}»`,
  },
  en: {
    open: 'Open in Tunet',
    important: 'Important notice',
    readMore: 'Read more',
    settings: 'Notification settings',
    because: (labels: string) => `You are receiving this e-mail because e-mail notifications for ${labels} are on for you in Tunet.`,
    turnOff: (labels: string) => `Turn off e-mail for ${labels}`,
    addressOnly: 'You are receiving this e-mail because your address was entered in Tunet. If you do not recognise this, you can ignore it.',
    digestSubject: (count: number) => `Your notifications from Tunet (${count})`,
    digestTitle: 'Your notifications',
    digestIntro: (count: number) => (count === 1 ? 'This happened since the last summary:' : `This happened since the last summary (${count} notifications):`),
    digestBecause: 'You are receiving this summary because you chose to get your e-mail notifications collected in one e-mail a day.',
    and: 'and',
    quote: (label: string) => `“${label}”`,
  },
} as const;

/** Where the e-mail's links go and why the person gets it. */
export interface EmailFooter {
  /** The categories the unsubscribe link turns e-mail off for; empty for an address-only recipient. */
  categories: readonly Category[];
  /** Null for an address-only recipient: there is no preference to change. */
  unsubscribeUrl: string | null;
  settingsUrl: string | null;
}

export interface NotificationEmail {
  locale: Locale;
  title: string;
  /** Plain text, paragraphs separated by a blank line. */
  body: string;
  important: boolean;
  /** Absolute; null when the message leads nowhere. */
  actionUrl: string | null;
  actionText?: string;
  footer: EmailFooter;
}

/** One notification's e-mail. */
export function renderNotificationEmail(email: NotificationEmail): RenderedEmail {
  const t = TEXTS[email.locale];
  const action = email.actionUrl ? { url: email.actionUrl, text: email.actionText || t.open } : null;
  const paragraphs = paragraphsOf(email.body);
  const text = [
    ...(email.important ? [t.important.toUpperCase()] : []),
    email.title,
    '',
    ...paragraphs.flatMap((paragraph) => [paragraph, '']),
    ...(action ? [`${action.text}: ${action.url}`, ''] : []),
    ...footerText(email.locale, email.footer, t.because),
  ].join('\n');
  const content = [
    email.important ? `<p style="${STYLE.badge}">${escapeHtml(t.important)}</p>` : '',
    `<h1 style="${STYLE.h1}">${escapeHtml(email.title)}</h1>`,
    ...paragraphs.map((paragraph) => `<p style="${STYLE.p}">${multiline(paragraph)}</p>`),
    action ? button(action.url, action.text) : '',
  ].join('\n');
  return { subject: email.title, text, html: page(email.locale, email.title, content, footerHtml(email.locale, email.footer, t.because)) };
}

/** An item of a digest: a notification in a line or two. */
export interface DigestItem {
  title: string;
  body: string;
  /** Absolute; null when the notification leads nowhere. */
  url: string | null;
}

/** The day's digest: every item held for it, oldest first, in one e-mail. */
export function renderDigestEmail(digest: { locale: Locale; items: readonly DigestItem[]; footer: EmailFooter }): RenderedEmail {
  const t = TEXTS[digest.locale];
  const count = digest.items.length;
  const because = () => t.digestBecause;
  const text = [
    t.digestTitle,
    '',
    t.digestIntro(count),
    '',
    ...digest.items.flatMap((item) => {
      const excerpt = excerptOf(item.body);
      return [`* ${item.title}`, ...(excerpt ? [`  ${excerpt}`] : []), ...(item.url ? [`  ${item.url}`] : []), ''];
    }),
    ...footerText(digest.locale, digest.footer, because),
  ].join('\n');
  const items = digest.items
    .map((item) => {
      const excerpt = excerptOf(item.body);
      return [
        `<tr><td style="${STYLE.item}">`,
        `<p style="${STYLE.itemTitle}">${escapeHtml(item.title)}</p>`,
        excerpt ? `<p style="${STYLE.itemBody}">${escapeHtml(excerpt)}</p>` : '',
        item.url ? `<p style="${STYLE.itemBody}"><a href="${escapeHtml(item.url)}" style="${STYLE.link}">${escapeHtml(t.readMore)}</a></p>` : '',
        '</td></tr>',
      ].join('');
    })
    .join('\n');
  const content = [
    `<h1 style="${STYLE.h1}">${escapeHtml(t.digestTitle)}</h1>`,
    `<p style="${STYLE.p}">${escapeHtml(t.digestIntro(count))}</p>`,
    `<table role="presentation" width="100%" cellpadding="0" cellspacing="0">${items}</table>`,
  ].join('\n');
  return {
    subject: t.digestSubject(count),
    text,
    html: page(digest.locale, t.digestTitle, content, footerHtml(digest.locale, digest.footer, because)),
  };
}

/** Escapes text for HTML content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ESCAPES[char]!);
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** The category names as a sentence part: «Nyheter» og «Arrangementer». */
export function labelList(locale: Locale, categories: readonly Category[]): string {
  const t = TEXTS[locale];
  const quoted = categories.map((category) => t.quote(CATEGORY_LABELS[locale][category]));
  return quoted.length <= 1 ? (quoted[0] ?? '') : `${quoted.slice(0, -1).join(', ')} ${t.and} ${quoted.at(-1)}`;
}

function paragraphsOf(body: string): string[] {
  return body
    .split(/\r?\n\s*\r?\n/)
    .map((paragraph) => paragraph.trim())
    .filter((paragraph) => paragraph.length > 0);
}

/** The first paragraph, cut at a word near 200 characters: a digest shows what happened, the link the rest. */
function excerptOf(body: string): string {
  const first = (paragraphsOf(body)[0] ?? '').replace(/\s+/g, ' ');
  if (first.length <= 200) return first;
  const cut = first.slice(0, 200);
  return `${cut.slice(0, cut.lastIndexOf(' ') > 120 ? cut.lastIndexOf(' ') : 200)}…`;
}

function multiline(paragraph: string): string {
  return paragraph.split(/\r?\n/).map(escapeHtml).join('<br>');
}

function footerText(locale: Locale, footer: EmailFooter, because: (labels: string) => string): string[] {
  const t = TEXTS[locale];
  if (!footer.unsubscribeUrl) return ['-- ', t.addressOnly];
  const labels = labelList(locale, footer.categories);
  return ['-- ', because(labels), `${t.turnOff(labels)}: ${footer.unsubscribeUrl}`, ...(footer.settingsUrl ? [`${t.settings}: ${footer.settingsUrl}`] : [])];
}

function footerHtml(locale: Locale, footer: EmailFooter, because: (labels: string) => string): string {
  const t = TEXTS[locale];
  if (!footer.unsubscribeUrl) return `<p style="${STYLE.footer}">${escapeHtml(t.addressOnly)}</p>`;
  const labels = labelList(locale, footer.categories);
  const links = [
    `<a href="${escapeHtml(footer.unsubscribeUrl)}" style="${STYLE.footerLink}">${escapeHtml(t.turnOff(labels))}</a>`,
    ...(footer.settingsUrl ? [`<a href="${escapeHtml(footer.settingsUrl)}" style="${STYLE.footerLink}">${escapeHtml(t.settings)}</a>`] : []),
  ];
  return `<p style="${STYLE.footer}">${escapeHtml(because(labels))}</p>\n<p style="${STYLE.footer}">${links.join(' &middot; ')}</p>`;
}

function button(url: string, text: string): string {
  return `<p style="${STYLE.buttonRow}"><a href="${escapeHtml(url)}" style="${STYLE.button}">${escapeHtml(text)}</a></p>`;
}

// Mail clients drop <style> blocks and external CSS, so every rule is inline and the layout is tables.
const FONT = "font-family:-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif";
const STYLE = {
  body: 'margin:0;padding:0;background:#f4f4f5',
  card: `max-width:600px;background:#ffffff;border-radius:8px;${FONT};color:#18181b`,
  badge: 'margin:0 0 8px;font-size:12px;font-weight:bold;letter-spacing:0.05em;text-transform:uppercase;color:#b91c1c',
  h1: 'margin:0 0 16px;font-size:22px;line-height:1.3',
  p: 'margin:0 0 16px;font-size:16px;line-height:1.5',
  buttonRow: 'margin:24px 0 8px',
  button: 'display:inline-block;padding:12px 20px;border-radius:6px;background:#1d4ed8;color:#ffffff;font-weight:bold;text-decoration:none',
  link: 'color:#1d4ed8',
  item: 'padding:12px 0;border-top:1px solid #e4e4e7',
  itemTitle: 'margin:0 0 4px;font-size:16px;font-weight:bold;line-height:1.4',
  itemBody: 'margin:0 0 4px;font-size:15px;line-height:1.5;color:#3f3f46',
  footer: 'margin:0 0 8px;font-size:13px;line-height:1.5;color:#52525b',
  footerLink: 'color:#52525b',
};

function page(locale: Locale, title: string, content: string, footer: string): string {
  return `<!doctype html>
<html lang="${locale}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)}</title></head>
<body style="${STYLE.body}">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="${STYLE.body}"><tr><td align="center" style="padding:24px 12px">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="${STYLE.card}">
<tr><td style="padding:32px 32px 16px">
${content}
</td></tr>
<tr><td style="padding:16px 32px 24px;border-top:1px solid #e4e4e7">
${footer}
</td></tr>
</table>
</td></tr></table>
</body>
</html>
`;
}
