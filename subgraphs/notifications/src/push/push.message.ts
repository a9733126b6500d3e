import { absoluteClientLink, clientRoutes } from '@tunet/kit';
import type { OutgoingDelivery } from '../model';
import type { PushMessage } from './push.provider';

/**
 * Budget for the serialized message: Web Push carries at most 3993 bytes of plaintext in one aes128gcm record,
 * APNs 4096 bytes including its `aps` wrapper, FCM 4096 for notification and data together.
 */
export const PUSH_MESSAGE_MAX_BYTES = 3500;

/** A notification shows a few lines; the app shows the rest, so longer bodies only cost bytes. */
const BODY_MAX_CHARS = 1000;

const ELLIPSIS = '…';

/** Where a tap opens: the notification's link made absolute (kit `absoluteClientLink`), else the web app's start page (`home`). */
export function pushLink(webAppOrigin: string, link: string | null): string {
  return absoluteClientLink(webAppOrigin, link) ?? `${webAppOrigin}${clientRoutes.home()}`;
}

/** The push message for a delivery: the body shortened until the whole fits every provider's size limit. */
export function pushMessageFor(delivery: OutgoingDelivery, webAppOrigin: string): PushMessage {
  const message: PushMessage = {
    title: delivery.title,
    body: shorten(delivery.body, BODY_MAX_CHARS),
    url: pushLink(webAppOrigin, delivery.link),
    notificationId: delivery.notificationId,
    category: delivery.category,
    important: delivery.important,
  };
  if (fits(message)) return message;
  const body = longestFitting(message.body, (candidate) => fits({ ...message, body: candidate }));
  if (body !== null) return { ...message, body };
  // Only a very long title with a very long link gets here: the title gives way too, the link cannot.
  const title = longestFitting(message.title, (candidate) => fits({ ...message, body: '', title: candidate }));
  return { ...message, body: '', title: title ?? ELLIPSIS };
}

function fits(message: PushMessage): boolean {
  return Buffer.byteLength(JSON.stringify(message)) <= PUSH_MESSAGE_MAX_BYTES;
}

/** Cuts at a code point, so no half of a surrogate pair (an emoji) is left behind. */
function shorten(text: string, maxChars: number): string {
  const chars = Array.from(text);
  return chars.length <= maxChars
    ? text
    : `${chars
        .slice(0, maxChars - 1)
        .join('')
        .trimEnd()}${ELLIPSIS}`;
}

/** The longest shortening of `text` that `ok` accepts, found by halving; null when not even an ellipsis does. */
function longestFitting(text: string, ok: (candidate: string) => boolean): string | null {
  const chars = Array.from(text);
  const cut = (n: number) => `${chars.slice(0, n).join('').trimEnd()}${ELLIPSIS}`;
  if (!ok(cut(0))) return null;
  let low = 0;
  let high = chars.length;
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    if (ok(cut(middle))) low = middle;
    else high = middle - 1;
  }
  return cut(low);
}
