import { absoluteClientLink } from '@tunet/kit';
import type { ChannelSender, OutgoingDelivery, SendOutcome } from '../model';
import { renderNotificationEmail } from './email-layout';
import { SMTP_CONNECTIONS, type EmailTransport } from './email-transport';
import { settingsUrl, unsubscribeUrl, type UnsubscribeScope } from './unsubscribe';

/** Where an e-mail's links lead. */
export interface EmailLinks {
  /** The web app, where a notification's link and the settings page open. */
  webAppOrigin: string;
  /** The gateway, which serves the unsubscribe route. */
  publicOrigin: string;
  /** Signs an unsubscribe token (`UnsubscribeTokens.tokenFor`). */
  unsubscribeToken(scope: UnsubscribeScope): string;
}

/**
 * The e-mail channel: one e-mail per delivery, in the recipient's language, with a footer saying why they get it
 * and how to stop it. Always available: without an SMTP server the transport writes e-mails to the log.
 */
export class EmailChannel implements ChannelSender {
  readonly channel = 'email' as const;
  readonly available = true;
  // No more than the pool's connections at once: a send queued behind others would use up its time waiting.
  readonly capacity = SMTP_CONNECTIONS;

  constructor(
    private readonly transport: EmailTransport,
    private readonly links: EmailLinks,
  ) {}

  async send(delivery: OutgoingDelivery): Promise<SendOutcome> {
    if (!delivery.address) return { status: 'failed', reason: 'No e-mail address on file' };
    // An address-only recipient (an invitation, a new address to confirm) has no preferences to change: their
    // e-mail carries no unsubscribe link or List-Unsubscribe header, and says why they got it instead.
    const unsubscribe =
      delivery.memberId === null
        ? null
        : unsubscribeUrl(
            this.links.publicOrigin,
            this.links.unsubscribeToken({
              associationId: delivery.associationId,
              memberId: delivery.memberId,
              categories: [delivery.category],
              locale: delivery.locale,
            }),
          );
    const rendered = renderNotificationEmail({
      locale: delivery.locale,
      title: delivery.title,
      body: delivery.body,
      important: delivery.important,
      actionUrl: absoluteClientLink(this.links.webAppOrigin, delivery.link),
      footer: {
        categories: [delivery.category],
        unsubscribeUrl: unsubscribe,
        settingsUrl: delivery.memberId === null ? null : settingsUrl(this.links.webAppOrigin),
      },
    });
    return this.transport.send({
      ...rendered,
      to: delivery.address,
      locale: delivery.locale,
      messageKey: delivery.deliveryId,
      important: delivery.important,
      unsubscribeUrl: unsubscribe,
    });
  }
}
