import MarkdownIt from 'markdown-it';
import sanitizeHtml from 'sanitize-html';

/**
 * Post bodies are Markdown written by residents and shown as HTML to their neighbours, so rendering is two walls:
 * markdown-it with raw HTML off (a `<script>` in the source stays text) and its link check, then an allow-list
 * sanitiser over the result, so that anything markdown-it lets through by mistake still cannot run.
 */
const markdown = new MarkdownIt({ html: false, linkify: true, typographer: false });

const LINK_REL = 'nofollow noopener noreferrer';

const sanitizeOptions: sanitizeHtml.IOptions = {
  allowedTags: [
    'p', 'br', 'hr', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'strong', 'em', 's', 'code', 'pre', 'blockquote',
    'ul', 'ol', 'li', 'a', 'img', 'table', 'thead', 'tbody', 'tr', 'th', 'td',
  ],
  allowedAttributes: {
    a: ['href', 'title', 'rel'],
    img: ['src', 'alt', 'title'],
    ol: ['start'],
    th: ['style'],
    td: ['style'],
  },
  allowedClasses: { code: ['language-*'] },
  // markdown-it aligns table cells with an inline style; nothing else may style the page.
  allowedStyles: { '*': { 'text-align': [/^(left|right|center)$/] } },
  // Plain web and mail links only: javascript:, vbscript: and data: URLs (in any case or entity encoding) go.
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesByTag: { img: ['https'] },
  allowProtocolRelative: false,
  disallowedTagsMode: 'discard',
  transformTags: { a: outboundLink, img: remoteImage },
};

/**
 * Links lead off Tunet: pass no referrer or window handle to a stranger's page, and vouch for none of them. A
 * link must be absolute: a relative one would resolve against Tunet's own origin, and anything that is not a
 * plain scheme (`java%09script:`) is relative to the sanitiser.
 */
function outboundLink(tagName: string, attribs: sanitizeHtml.Attributes): sanitizeHtml.Tag {
  const { href, ...rest } = attribs;
  const absolute = href !== undefined && /^(https?:\/\/|mailto:)/i.test(href);
  return { tagName, attribs: { ...rest, ...(absolute ? { href } : {}), rel: LINK_REL } };
}

/** Images over https only, for the same reason: a relative source would make every reader call Tunet itself. */
function remoteImage(tagName: string, attribs: sanitizeHtml.Attributes): sanitizeHtml.Tag {
  const { src, ...rest } = attribs;
  return { tagName, attribs: { ...rest, ...(src !== undefined && /^https:\/\//i.test(src) ? { src } : {}) } };
}

/** The body as sanitised HTML, rendered on every read so a tightened sanitiser applies to old posts too. */
export function renderMarkdown(source: string): string {
  return sanitizeHtml(markdown.render(source), sanitizeOptions);
}

const EXCERPT_LENGTH = 200;

/**
 * The body as plain text for previews and notifications, cut at a word near 200 characters. Built from
 * markdown-it's text tokens rather than by stripping tags, so it holds no markup or HTML entities at all: a
 * client shows it as text.
 */
export function excerptOf(source: string): string {
  const words: string[] = [];
  for (const token of markdown.parse(source, {})) {
    if (token.type === 'inline') {
      for (const child of token.children ?? []) {
        if (child.type === 'text' || child.type === 'code_inline') words.push(child.content);
        else if (child.type === 'softbreak' || child.type === 'hardbreak') words.push(' ');
        else if (child.type === 'image') words.push(child.content);
      }
      words.push(' ');
    } else if (token.type === 'code_block' || token.type === 'fence') {
      words.push(token.content, ' ');
    }
  }
  const text = words.join('').replace(/\s+/g, ' ').trim();
  if (text.length <= EXCERPT_LENGTH) return text;
  const cut = text.slice(0, EXCERPT_LENGTH);
  const lastSpace = cut.lastIndexOf(' ');
  return `${(lastSpace > EXCERPT_LENGTH / 2 ? cut.slice(0, lastSpace) : cut).trimEnd()}…`;
}
