import { tunetEvents } from '@tunet/events';

const contracts: Record<string, { secrets: readonly string[] } | undefined> = tunetEvents;

/**
 * Whether a topic's notifications carry a one-time token (a password reset, an invitation, an e-mail change): its
 * event lists secrets, and the message's link holds the token in its fragment.
 */
export function carriesSecret(topic: string): boolean {
  return (contracts[topic]?.secrets.length ?? 0) > 0;
}

/**
 * A notification as anyone but its e-mail reads it (the board's failed deliveries, a privacy export): the link of
 * a secret-bearing topic is left out, so nobody who sees the row can use the token in its place (decision 0046,
 * review fixes). Only the e-mail itself, rendered from the row at send time, holds it.
 */
export function withoutSecret<T extends { topic: string; link: string | null }>(notification: T): T {
  return carriesSecret(notification.topic) ? { ...notification, link: null } : notification;
}
