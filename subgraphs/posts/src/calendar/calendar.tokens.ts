import { feedKeyFrom } from '@tunet/kit';

/** The key of posts' calendar feed tokens (kit's feed-tokens.ts). */
export function calendarKeyFrom(secret: string): Buffer {
  return feedKeyFrom(secret, 'tunet calendar feed tokens');
}
