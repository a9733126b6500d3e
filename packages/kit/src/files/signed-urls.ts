import { createHmac, timingSafeEqual } from 'node:crypto';
import type { ImageVariant } from './images';

/**
 * Links expire on the hour (docs/decisions/0047): every response within the same hour hands out the same link, so a
 * browser's or app's image cache keeps the picture instead of fetching it again for each new signature.
 */
export const URL_BUCKET_SECONDS = 60 * 60;
/** A link handed out has at least this long left, so one given out just before the hour still opens. */
export const URL_MIN_LIFETIME_SECONDS = 15 * 60;
/** The longest a link (a leaked one too) works: a bucket plus the minimum left. */
export const URL_MAX_LIFETIME_SECONDS = URL_BUCKET_SECONDS + URL_MIN_LIFETIME_SECONDS;

/**
 * How long a link to a file that is no image works (a PDF, a board's minutes): no cache keeps those from screen to
 * screen, so nothing is gained by letting a leaked link work for an hour (decision 0047 review fix 4).
 */
export const URL_SHORT_LIFETIME_SECONDS = 5 * 60;

/**
 * When a link signed at `nowMs` expires, in epoch seconds: for an image the first hour boundary at least the minimum
 * away; for another file (`image: false`) URL_SHORT_LIFETIME_SECONDS after signing.
 */
export function urlExpiry(nowMs: number, { image = true }: { image?: boolean } = {}): number {
  if (!image) return Math.floor(nowMs / 1000) + URL_SHORT_LIFETIME_SECONDS;
  const earliest = Math.floor(nowMs / 1000) + URL_MIN_LIFETIME_SECONDS;
  return Math.ceil(earliest / URL_BUCKET_SECONDS) * URL_BUCKET_SECONDS;
}

export type SignedUrlVerdict = 'valid' | 'forged' | 'expired';

/**
 * Download links that carry their own authorisation: `<origin>/<route>/<id>/<variant>?exp=…&sig=…`, where `sig`
 * is an HMAC over the file, the variant and the expiry. Browsers open them from an <img> or a link without sending
 * an access token, so the link is handed out only to a viewer who may see the file, and the download route
 * checks nothing but the signature and the expiry. `route` is the gateway's public-route prefix of the subgraph
 * that serves the file (posts' `files`); each subgraph signs with its own key, so a link one subgraph signed is
 * forged to every other.
 */
export class UrlSigner {
  private key: Promise<Buffer> | undefined;

  private readonly route: string;
  private readonly nowMs: () => number;

  constructor(
    /** The deployment's signing key; asked once per process, again only if the first attempt failed. */
    private readonly loadKey: () => Promise<Buffer>,
    options: { route?: string; nowMs?: () => number } = {},
  ) {
    this.route = options.route ?? 'files';
    if (!/^[a-z][a-z-]*$/.test(this.route)) throw new Error(`invalid public route ${JSON.stringify(this.route)}`);
    this.nowMs = options.nowMs ?? Date.now;
  }

  /**
   * Absolute when the gateway said which origin the client called; a path otherwise. Links to images expire on the
   * hour; `image: false` (a file that is no picture) gives a link of URL_SHORT_LIFETIME_SECONDS.
   */
  async sign(origin: string | null | undefined, fileId: string, variant: ImageVariant, options: { image?: boolean } = {}): Promise<string> {
    const exp = String(urlExpiry(this.nowMs(), options));
    const sig = this.mac(await this.signingKey(), fileId, variant, exp);
    return `${origin ?? ''}/${this.route}/${fileId}/${variant}?exp=${exp}&sig=${sig}`;
  }

  /** The signature first: an expired link only says so when it is genuine, so forging learns nothing. */
  async verify(fileId: string, variant: string, exp: string | undefined, sig: string | undefined): Promise<SignedUrlVerdict> {
    if (!exp || !sig || !/^\d{1,12}$/.test(exp)) return 'forged';
    const expected = Buffer.from(this.mac(await this.signingKey(), fileId, variant, exp));
    const given = Buffer.from(sig);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'forged';
    return Number(exp) * 1000 <= this.nowMs() ? 'expired' : 'valid';
  }

  /**
   * Headers for the download of a link `verify` found valid: browsers and apps may keep the bytes privately until the
   * link expires (never longer), and the ETag names the stored variant, whose bytes never change under its id.
   */
  cacheHeaders(fileId: string, variant: string, exp: string): { 'cache-control': string; etag: string } {
    const left = Math.max(0, Number(exp) - Math.floor(this.nowMs() / 1000));
    return { 'cache-control': `private, max-age=${left}`, etag: `"${fileId}.${variant}"` };
  }

  private mac(key: Buffer, fileId: string, variant: string, exp: string): string {
    return createHmac('sha256', key).update(`${fileId}\n${variant}\n${exp}`).digest('base64url');
  }

  private signingKey(): Promise<Buffer> {
    this.key ??= this.loadKey().catch((error: unknown) => {
      this.key = undefined;
      throw error;
    });
    return this.key;
  }
}
