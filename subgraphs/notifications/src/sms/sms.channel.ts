import { absoluteClientLink } from '@tunet/kit';
import type { ChannelSender, OutgoingDelivery, SendOutcome } from '../model';
import type { SmsProvider } from './sms.provider';

/** Longest text sent: three segments cost three messages, and the link carries the rest. */
export const SMS_MAX_SEGMENTS = 3;

// GSM 03.38: the basic set costs one septet a character, the extension set two (escape + character).
const GSM_BASIC = new Set(
  Array.from('@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà'),
);
const GSM_EXTENSION = new Set(Array.from('^{}\\[~]|€\f'));

/**
 * How many segments a text takes. GSM 7-bit (Norwegian æøå included) fits 160 septets in one message and 153 in
 * each part of a longer one; anything else is UCS-2 with 70 and 67 code units. A character never spans two parts.
 */
export function smsSegments(text: string): number {
  const chars = Array.from(text);
  const gsm = chars.every((char) => GSM_BASIC.has(char) || GSM_EXTENSION.has(char));
  const cost = (char: string) => (gsm ? (GSM_EXTENSION.has(char) ? 2 : 1) : char.length);
  const [single, part] = gsm ? [160, 153] : [70, 67];
  const total = chars.reduce((sum, char) => sum + cost(char), 0);
  if (total <= single) return total === 0 ? 0 : 1;
  let segments = 1;
  let used = 0;
  for (const char of chars) {
    if (used + cost(char) > part) {
      segments += 1;
      used = 0;
    }
    used += cost(char);
  }
  return segments;
}

/**
 * The text of an SMS: the title and the link, within `SMS_MAX_SEGMENTS`. A long title is shortened; a link that
 * alone is too long is left out rather than cut into one that leads nowhere.
 */
export function smsText(title: string, link: string | null): string {
  const fits = (text: string) => smsSegments(text) <= SMS_MAX_SEGMENTS;
  const withLink = (shown: string) => (link ? `${shown}\n${link}` : shown);
  if (fits(withLink(title))) return withLink(title);
  // "…" is no GSM character and would turn the whole message into UCS-2, at less than half the length.
  const ellipsis = Array.from(title).every((char) => GSM_BASIC.has(char) || GSM_EXTENSION.has(char)) ? '...' : '…';
  const chars = Array.from(title);
  const shortened = (n: number) => `${chars.slice(0, n).join('').trimEnd()}${ellipsis}`;
  if (link && !fits(withLink(shortened(1)))) return smsText(title, null);
  let low = 1;
  let high = chars.length;
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    if (fits(withLink(shortened(middle)))) low = middle;
    else high = middle - 1;
  }
  return withLink(shortened(low));
}

/**
 * Text messages through the configured SMS provider: the title and a link to the rest. Without a provider the
 * channel is unavailable and nothing is sent.
 */
export class SmsChannel implements ChannelSender {
  readonly channel = 'sms' as const;
  readonly available: boolean;

  constructor(
    private readonly provider: SmsProvider | null,
    private readonly webAppOrigin: string,
  ) {
    this.available = provider !== null;
  }

  async send(delivery: OutgoingDelivery): Promise<SendOutcome> {
    if (!this.provider) return { status: 'failed', reason: 'SMS is not configured' };
    if (!delivery.address) return { status: 'failed', reason: 'no phone number' };
    const link = absoluteClientLink(this.webAppOrigin, delivery.link);
    return this.provider.send(delivery.address, smsText(delivery.title, link));
  }
}
