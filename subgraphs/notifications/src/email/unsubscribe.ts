import { createHmac, timingSafeEqual } from 'node:crypto';
import { clientRoutes, feedKeyFrom, isUuid, type PublicPostRequest, type PublicRequest, type PublicResponse } from '@tunet/kit';
import type { Category, Locale } from '../model';
import { refusalOf, type ChannelChange } from '../preferences/preferences.rules';
import type { ChangeVia, PreferencesRepository } from '../preferences/preferences.repository';
import { unsubscribePage } from './unsubscribe-pages';

/**
 * E-mail unsubscribe links: `/unsubscribe/<token>` at the gateway, opened from an e-mail's footer or posted to by a
 * mail client's RFC 8058 one-click. The token is stateless: the association, the member, the categories the link
 * turns e-mail off for and the e-mail's language, with an HMAC-SHA256 over them under a key of its own derived from
 * the gateway signing secret. Nothing is stored, so a link works for as long as the secret is kept, and a new
 * secret ends every link at once (people then use the settings page).
 */

/** Who a link is for and what it turns off. */
export interface UnsubscribeScope {
  associationId: string;
  memberId: string;
  /** One category for a notification's e-mail; a digest's link covers every category in it. */
  categories: readonly Category[];
  /** The e-mail's language, so the page speaks it without a lookup. */
  locale: Locale;
}

// Part of the token format: a bit once given to a category is never given to another.
const CATEGORY_BITS: Record<Category, number> = {
  news: 1 << 0,
  important: 1 << 1,
  comments: 1 << 2,
  events: 1 << 3,
  reservations: 1 << 4,
  service_requests: 1 << 5,
  account: 1 << 6,
  billing: 1 << 7,
  privacy: 1 << 8,
};
const LOCALE_CODES: Record<Locale, number> = { nb: 0, en: 1 };
const CLAIMS_BYTES = 16 + 16 + 2 + 1;
const MAC_BYTES = 32;
// 67 bytes in base64url without padding
const TOKEN = /^[A-Za-z0-9_-]{90}$/;

/** Makes and checks unsubscribe tokens. */
export class UnsubscribeTokens {
  private readonly key: Buffer;

  constructor(internalSecret: string) {
    this.key = feedKeyFrom(internalSecret, 'notifications.unsubscribe');
  }

  tokenFor(scope: UnsubscribeScope): string {
    const claims = Buffer.alloc(CLAIMS_BYTES);
    uuidBytes(scope.associationId).copy(claims, 0);
    uuidBytes(scope.memberId).copy(claims, 16);
    claims.writeUInt16BE(
      scope.categories.reduce((mask, category) => mask | CATEGORY_BITS[category], 0),
      32,
    );
    claims.writeUInt8(LOCALE_CODES[scope.locale], 34);
    return Buffer.concat([claims, this.mac(claims)]).toString('base64url');
  }

  /** What a genuine token names; null for anything else, tampered or malformed alike. */
  scopeOf(token: string): UnsubscribeScope | null {
    if (!TOKEN.test(token)) return null;
    const raw = Buffer.from(token, 'base64url');
    // one canonical spelling per token: the spare bits of the last character must be zero
    if (raw.length !== CLAIMS_BYTES + MAC_BYTES || raw.toString('base64url') !== token) return null;
    const claims = raw.subarray(0, CLAIMS_BYTES);
    if (!timingSafeEqual(raw.subarray(CLAIMS_BYTES), this.mac(claims))) return null;
    const mask = claims.readUInt16BE(32);
    const categories = (Object.keys(CATEGORY_BITS) as Category[]).filter((category) => (mask & CATEGORY_BITS[category]) !== 0);
    const locale = (Object.keys(LOCALE_CODES) as Locale[]).find((candidate) => LOCALE_CODES[candidate] === claims.readUInt8(34));
    if (categories.length === 0 || !locale) return null;
    return { associationId: uuidOf(claims.subarray(0, 16)), memberId: uuidOf(claims.subarray(16, 32)), categories, locale };
  }

  private mac(claims: Buffer): Buffer {
    return createHmac('sha256', this.key).update(claims).digest();
  }
}

/** The link in an e-mail's footer and its List-Unsubscribe header. */
export function unsubscribeUrl(publicOrigin: string, token: string): string {
  return `${publicOrigin}/unsubscribe/${token}`;
}

/** Where a person changes every notification choice in the web app. */
export function settingsUrl(webAppOrigin: string): string {
  return `${webAppOrigin}${clientRoutes.notificationSettings()}`;
}

class Refused extends Error {}

/**
 * The `unsubscribe` public route. GET shows what the link turns off and a button; it changes nothing, because mail
 * scanners and link previews open every link in an e-mail. POST (the button, or a mail client's one-click) turns
 * e-mail off for the link's categories, unless the policy refuses: a mandatory category keeps at least one outward
 * channel, and the person is told so politely, with nothing changed.
 */
export class UnsubscribeService {
  constructor(
    private readonly tokens: UnsubscribeTokens,
    private readonly preferences: PreferencesRepository,
    private readonly webAppOrigin: string,
  ) {}

  /** `GET /unsubscribe/<token>`: the page asking to confirm, or saying why it cannot be done. */
  async page(request: PublicRequest): Promise<PublicResponse> {
    const scope = await this.scopeOfPath(request.path);
    if (!scope) return this.answer(404, { kind: 'invalid' });
    const changes = emailOff(scope);
    const overrides = (await this.preferences.overridesOf(scope.associationId, [scope.memberId])).get(scope.memberId)!;
    const kind = refusalOf(overrides, changes) ? 'refused' : 'confirm';
    return this.answer(200, { kind, locale: scope.locale, categories: scope.categories });
  }

  /** `POST /unsubscribe/<token>`: turns e-mail off and confirms, or refuses and explains. */
  async submit(request: PublicPostRequest): Promise<PublicResponse> {
    const scope = await this.scopeOfPath(request.path);
    if (!scope) return this.answer(404, { kind: 'invalid' });
    const via = viaOf(request);
    if (!via) return this.answer(400, { kind: 'bad_request' });
    const changes = emailOff(scope);
    try {
      await this.preferences.change(scope.associationId, scope.memberId, changes, {}, via, (current) => {
        const refusal = refusalOf(current, changes);
        if (refusal) throw new Refused(refusal);
      });
    } catch (error) {
      if (!(error instanceof Refused)) throw error;
      return this.answer(200, { kind: 'refused', locale: scope.locale, categories: scope.categories });
    }
    return this.answer(200, { kind: 'done', locale: scope.locale, categories: scope.categories });
  }

  /** A genuine link's scope, unless its member was erased here. */
  private async scopeOfPath(path: string): Promise<UnsubscribeScope | null> {
    const token = /^\/([^/]+)$/.exec(path)?.[1];
    const scope = token ? this.tokens.scopeOf(token) : null;
    return scope && !(await this.preferences.isErased(scope.associationId, scope.memberId)) ? scope : null;
  }

  private answer(status: number, content: Parameters<typeof unsubscribePage>[0]): PublicResponse {
    return {
      status,
      contentType: 'text/html; charset=utf-8',
      body: unsubscribePage(content, settingsUrl(this.webAppOrigin)),
      headers: {
        // The page's own form posts back here; nothing else may load, run or frame it.
        'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        'cache-control': 'no-store',
        // The token is in the URL: the settings link must not carry it to the web app in a Referer.
        'referrer-policy': 'no-referrer',
      },
    };
  }
}

function emailOff(scope: UnsubscribeScope): ChannelChange[] {
  return scope.categories.map((category) => ({ category, channel: 'email', enabled: false }));
}

/**
 * How the POST came: a mail client's one-click sends `List-Unsubscribe=One-Click` (RFC 8058, url-encoded or as
 * multipart), the page's button sends `confirm=yes`; any other body is refused, so only those two change anything.
 */
function viaOf(request: PublicPostRequest): ChangeVia | null {
  if (request.contentType?.toLowerCase().startsWith('multipart/form-data')) {
    return /name="?List-Unsubscribe"?\r\n(?:[^\r\n]+\r\n)*\r\nOne-Click\r\n/i.test(request.body) ? 'one_click' : null;
  }
  const form = new URLSearchParams(request.body);
  if (form.get('List-Unsubscribe') === 'One-Click') return 'one_click';
  if (form.get('confirm') === 'yes') return 'unsubscribe_link';
  return null;
}

function uuidBytes(uuid: string): Buffer {
  if (!isUuid(uuid)) throw new Error('an unsubscribe token names an association and a member by id');
  return Buffer.from(uuid.replace(/-/g, ''), 'hex');
}

function uuidOf(bytes: Buffer): string {
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
