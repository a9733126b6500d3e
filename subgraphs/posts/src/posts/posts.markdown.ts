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
    'p',
    'br',
    'hr',
    'h1',
    'h2',
    'h3',
    'h4',
    'h5',
    'h6',
    'strong',
    'em',
    's',
    'code',
    'pre',
    'blockquote',
    'ul',
    'ol',
    'li',
    'a',
    'img',
    'table',
    'thead',
    'tbody',
    'tr',
    'th',
    'td',
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
  // The only image sources left are Tunet's own signed links (inlineImage), over http in development.
  allowedSchemesByTag: { img: ['http', 'https'] },
  allowProtocolRelative: false,
  disallowedTagsMode: 'discard',
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

/**
 * An image in a post is loaded by every reader's browser, so it may come only from Tunet (decision 0020): one of
 * the post's own attached images, shown by the fresh signed link in `images` whatever link to it the author pasted
 * (signed links expire in minutes). An image from any other host becomes a plain link to it, which the reader may
 * follow or not; a Tunet file that is not an image attached to this post, or a source that is no web address,
 * leaves only its alt text.
 */
function inlineImage(images: InlineImages): sanitizeHtml.Transformer {
  return (_tagName, attribs): sanitizeHtml.Tag => {
    const { src = '', alt = '', title } = attribs;
    const titled: sanitizeHtml.Attributes = title === undefined ? {} : { title };
    const fileId = tunetFileOf(src);
    const signed = fileId === null ? undefined : images.get(fileId);
    if (signed !== undefined) return { tagName: 'img', attribs: { alt, ...titled, src: signed } };
    if (fileId === null && /^https?:\/\//i.test(src)) {
      return { tagName: 'a', attribs: { href: src, ...titled, rel: LINK_REL }, text: alt || src };
    }
    return { tagName: 'span', attribs: {}, text: alt };
  };
}

/** Attached images by file id, each with a signed link the reader may open. */
export type InlineImages = ReadonlyMap<string, string>;

/** A download link to a Tunet file, `/files/<id>[/<variant>][?…]`, with or without an origin. */
const TUNET_FILE =
  /^(?:https?:\/\/[^/?#]+)?\/files\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})(?:\/(?:original|display|thumbnail))?\/?(?:[?#].*)?$/i;

function tunetFileOf(src: string): string | null {
  return TUNET_FILE.exec(src)?.[1]?.toLowerCase() ?? null;
}

/** The Tunet files the body's images ask for, so that only those are looked up and signed. */
export function imageFileIds(source: string): string[] {
  const ids = new Set<string>();
  for (const token of markdown.parse(source, {})) {
    for (const child of token.children ?? []) {
      const fileId = child.type === 'image' ? tunetFileOf(child.attrGet('src') ?? '') : null;
      if (fileId) ids.add(fileId);
    }
  }
  return [...ids];
}

/**
 * The body as sanitised HTML, rendered on every read so a tightened sanitiser applies to old posts too. `images`:
 * the post's attached images that its body may show.
 */
export function renderMarkdown(source: string, images: InlineImages = new Map()): string {
  return sanitizeHtml(markdown.render(source), {
    ...sanitizeOptions,
    transformTags: { a: outboundLink, img: inlineImage(images) },
  });
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
