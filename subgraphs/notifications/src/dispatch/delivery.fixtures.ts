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
