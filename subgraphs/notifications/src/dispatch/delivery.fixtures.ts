import { randomUUID } from 'node:crypto';
import type { NewDelivery, NewNotification } from '../ingest/ingest.repository';
import type { ChannelSender, DeliveryChannel, OutgoingDelivery, SendOutcome } from '../model';

/**
 * A provider as tests script it: records every delivery it is handed and answers what `answer` says (accepted by
 * default). It stands in for the SMTP server or push service only; the database under it stays real.
 */
export class ScriptedSender implements ChannelSender {
  readonly received: OutgoingDelivery[] = [];

  constructor(
    readonly channel: DeliveryChannel,
    private readonly answer: (delivery: OutgoingDelivery) => SendOutcome | Promise<SendOutcome> = (delivery) => ({
      status: 'sent',
      providerMessageId: `msg-${delivery.deliveryId}`,
    }),
    readonly available = true,
  ) {}

  async send(delivery: OutgoingDelivery): Promise<SendOutcome> {
    this.received.push(delivery);
    return this.answer(delivery);
  }
}

/** One scripted sender per channel, all accepting. */
export function acceptingSenders(channels: readonly DeliveryChannel[] = ['email', 'push']): ScriptedSender[] {
  return channels.map((channel) => new ScriptedSender(channel));
}

/** An important notice (the water is shut off) for one member, with the given deliveries, as ingest stores it. */
export function waterNotice(memberId: string, deliveries: NewDelivery[]): NewNotification {
  return {
    id: randomUUID(),
    eventId: randomUUID(),
    recipient: `member:${memberId}`,
    memberId,
    topic: 'post.published',
    category: 'important',
    important: true,
    locale: 'nb',
    title: 'Vannet stenges tirsdag',
    body: 'Vannet stenges tirsdag fra 09:00 til 12:00.',
    link: '/posts/1',
    subjectType: 'Post',
    subjectId: randomUUID(),
    shown: true,
    deliveries,
  };
}
