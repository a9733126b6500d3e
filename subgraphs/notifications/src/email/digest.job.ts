import { createHash } from 'node:crypto';
import { absoluteClientLink, PeriodicJob, type BackgroundJob, type Logger } from '@tunet/kit';
import { DEFAULT_RETRY_POLICY, recordedOutcome, type RetryPolicy } from '../dispatch/delivery.rules';
import { CATEGORIES, type SendOutcome } from '../model';
import type { ClaimedDigest, DigestRepository } from './digest.repository';
import type { EmailLinks } from './email.channel';
import { renderDigestEmail } from './email-layout';
import type { EmailTransport } from './email-transport';
import { settingsUrl, unsubscribeUrl } from './unsubscribe';

export interface DigestOptions {
  /** How often to look for due digests; default a minute. */
  intervalMs?: number;
  /** Persons per claim; a full batch runs again at once. Default 50. */
  batch?: number;
  /** How long a claim holds the deliveries; default 5 minutes, far beyond one SMTP exchange. */
  leaseMs?: number;
  /** Attempts and delays between them; default the dispatcher's. */
  retry?: RetryPolicy;
}

// E-mails in flight at once: the transport's pool has three connections.
const CONCURRENCY = 3;

/**
 * The daily digest: deliveries the ingest held for a person's digest (`held_for = 'digest'`, due at their digest
 * hour) go out as one e-mail per person, in their language, listing each notification with a line of it and its
 * link. Each delivery is then sent, queued again (still held for the digest, so the dispatcher leaves it alone) or
 * failed by the dispatcher's retry policy, and every attempt is recorded. Like the dispatcher it is at-least-once:
 * a crash between the server's acceptance and the record lets the lease run out and the digest go again, with the
 * same Message-ID.
 */
export class DigestJob implements BackgroundJob {
  private readonly job: PeriodicJob;
  private readonly batch: number;

  constructor(
    private readonly repository: DigestRepository,
    private readonly transport: EmailTransport,
    private readonly links: EmailLinks,
    logger: Logger,
    private readonly options: DigestOptions = {},
    private readonly now: () => Date = () => new Date(),
  ) {
    this.batch = options.batch ?? 50;
    this.job = new PeriodicJob('notifications-digest', options.intervalMs ?? 60_000, async () => (await this.runOnce()) >= this.batch, logger);
  }

  /** Sends the digests due now; resolves to how many e-mails were tried. */
  async runOnce(): Promise<number> {
    const now = this.now();
    const digests = await this.repository.claimDue(now, this.options.leaseMs ?? 5 * 60_000, this.batch);
    const queue = [...digests];
    await Promise.all(
      Array.from({ length: Math.min(CONCURRENCY, queue.length) }, async () => {
        for (let digest = queue.shift(); digest; digest = queue.shift()) await this.send(digest);
      }),
    );
    return digests.length;
  }

  start(): void {
    this.job.start();
  }

  stop(): Promise<void> {
    return this.job.stop();
  }

  private async send(digest: ClaimedDigest): Promise<void> {
    const { entries } = digest;
    // The newest notification speaks the person's current language and names their current address.
    const newest = entries.at(-1)!;
    const address = entries.findLast((entry) => entry.address)?.address ?? null;
    const categories = CATEGORIES.filter((category) => entries.some((entry) => entry.category === category));
    const unsubscribe = unsubscribeUrl(
      this.links.publicOrigin,
      this.links.unsubscribeToken({ associationId: digest.associationId, memberId: digest.memberId, categories, locale: newest.locale }),
    );
    const rendered = renderDigestEmail({
      locale: newest.locale,
      items: entries.map((entry) => ({ title: entry.title, body: entry.body, url: absoluteClientLink(this.links.webAppOrigin, entry.link) })),
      footer: { categories, unsubscribeUrl: unsubscribe, settingsUrl: settingsUrl(this.links.webAppOrigin) },
    });
    const outcome: SendOutcome = address
      ? await this.transport.send({
          ...rendered,
          to: address,
          locale: newest.locale,
          messageKey: digestMessageKey(entries.map((entry) => entry.deliveryId)),
          important: false,
          unsubscribeUrl: unsubscribe,
        })
      : { status: 'failed', reason: 'No e-mail address on file' };
    const now = this.now();
    const policy = this.options.retry ?? DEFAULT_RETRY_POLICY;
    await this.repository.record(
      digest.associationId,
      entries.map((entry) => ({
        deliveryId: entry.deliveryId,
        attempt: entry.attempt,
        outcome: recordedOutcome(outcome, entry.attempt, policy, Math.random()),
      })),
      now,
    );
  }
}

/** The same for every attempt at the same deliveries, as a notification's e-mail reuses its delivery's id. */
function digestMessageKey(deliveryIds: readonly string[]): string {
  return `digest.${createHash('sha256')
    .update([...deliveryIds].sort().join(','))
    .digest('hex')
    .slice(0, 32)}`;
}
