import { createHmac, timingSafeEqual } from 'node:crypto';

/** How long a download link works: long enough to start the download, short enough that a forwarded link soon dies. */
export const LINK_LIFETIME_SECONDS = 10 * 60;

/** The gateway forwards `/privacy-archives/…` to the privacy subgraph's public route of that name. */
export const ARCHIVE_ROUTE = 'privacy-archives';

export type LinkVerdict = 'valid' | 'forged' | 'expired';

/**
 * Archive download links that carry their own authorisation (decision 0012's pattern):
 * `<origin>/privacy-archives/<association>/<request>?exp=…&sig=…`, `sig` an HMAC over both ids and the expiry. A
 * link is handed out only to the person or the board member who asked; the route checks signature and expiry.
 */
export class ArchiveLinkSigner {
  private key: Promise<Buffer> | undefined;

  constructor(
    /** The deployment's signing key; asked once per process, again only if the first attempt failed. */
    private readonly loadKey: () => Promise<Buffer>,
    private readonly nowMs: () => number = Date.now,
  ) {}

  /** The link and when it stops working; absolute when the gateway said which origin the client called. */
  async sign(origin: string | null | undefined, associationId: string, requestId: string): Promise<{ url: string; expiresAt: Date }> {
    const exp = Math.floor(this.nowMs() / 1000) + LINK_LIFETIME_SECONDS;
    const sig = this.mac(await this.signingKey(), associationId, requestId, String(exp));
    return { url: `${origin ?? ''}/${ARCHIVE_ROUTE}/${associationId}/${requestId}?exp=${exp}&sig=${sig}`, expiresAt: new Date(exp * 1000) };
  }

  /** The signature first: an expired link only says so when it is genuine, so forging learns nothing. */
  async verify(associationId: string, requestId: string, exp: string | undefined, sig: string | undefined): Promise<LinkVerdict> {
    if (!exp || !sig || !/^\d{1,12}$/.test(exp)) return 'forged';
    const expected = Buffer.from(this.mac(await this.signingKey(), associationId, requestId, exp));
    const given = Buffer.from(sig);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'forged';
    return Number(exp) * 1000 <= this.nowMs() ? 'expired' : 'valid';
  }

  private mac(key: Buffer, associationId: string, requestId: string, exp: string): string {
    return createHmac('sha256', key).update(`export-archive\n${associationId}\n${requestId}\n${exp}`).digest('base64url');
  }

  private signingKey(): Promise<Buffer> {
    this.key ??= this.loadKey().catch((error: unknown) => {
      this.key = undefined;
      throw error;
    });
    return this.key;
  }
}
