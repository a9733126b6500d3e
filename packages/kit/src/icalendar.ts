/**
 * iCalendar (RFC 5545) text for a calendar feed, as pure functions. Hand-written rather than a library because a
 * feed needs little of the format, and what it needs — folding, escaping, UTC times — is easiest to get exactly
 * right, and to prove with tests, in a few lines we own.
 */

import type { PublicResponse } from './public-routes';

export interface IcsEvent {
  /** Stable per event across feeds and fetches, so calendar apps update an event rather than duplicate it. */
  uid: string;
  title: string;
  description: string;
  place: string;
  startsAt: Date;
  endsAt: Date;
  createdAt: Date;
  /** When the information last changed; a feed has no METHOD, so this is what DTSTAMP means (RFC 5545 3.8.7.2). */
  revisedAt: Date;
  cancelled: boolean;
}

export interface IcsCalendar {
  name: string;
  timeZone: string;
  events: readonly IcsEvent[];
}

const CRLF = '\r\n';
const MAX_LINE_OCTETS = 75;

/** The whole feed: one VCALENDAR, one VEVENT per event, every line folded and ended with CRLF. */
export function serializeCalendar(calendar: IcsCalendar): string {
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Tunet//Calendar feed//EN',
    'CALSCALE:GREGORIAN',
    `X-WR-CALNAME:${escapeText(calendar.name)}`,
    `X-WR-TIMEZONE:${escapeText(calendar.timeZone)}`,
    // Asks calendar apps to poll hourly; many would otherwise wait a day before showing a new event.
    'REFRESH-INTERVAL;VALUE=DURATION:PT1H',
    'X-PUBLISHED-TTL:PT1H',
    ...calendar.events.flatMap(eventLines),
    'END:VCALENDAR',
  ];
  return lines.map(foldLine).join(CRLF) + CRLF;
}

function eventLines(event: IcsEvent): string[] {
  return [
    'BEGIN:VEVENT',
    `UID:${escapeText(event.uid)}`,
    `DTSTAMP:${utc(event.revisedAt)}`,
    `CREATED:${utc(event.createdAt)}`,
    `LAST-MODIFIED:${utc(event.revisedAt)}`,
    // Cancelling is the only change after creation; apps that cache a copy apply it only with a higher sequence.
    `SEQUENCE:${event.cancelled ? 1 : 0}`,
    `DTSTART:${utc(event.startsAt)}`,
    `DTEND:${utc(event.endsAt)}`,
    `SUMMARY:${escapeText(event.title)}`,
    ...(event.place ? [`LOCATION:${escapeText(event.place)}`] : []),
    ...(event.description ? [`DESCRIPTION:${escapeText(event.description)}`] : []),
    `STATUS:${event.cancelled ? 'CANCELLED' : 'CONFIRMED'}`,
    'END:VEVENT',
  ];
}

/** A feed as the public route answers it. The URL is a secret: no shared cache may keep it, and a reset shows at once. */
export function calendarResponse(calendar: IcsCalendar): PublicResponse {
  return {
    contentType: 'text/calendar; charset=utf-8',
    body: serializeCalendar(calendar),
    headers: { 'cache-control': 'private, no-cache' },
  };
}

/** A DATE-TIME in UTC, `20261121T101500Z`. */
export function utc(instant: Date): string {
  return instant
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/[-:]/g, '');
}

/**
 * A TEXT value (RFC 5545 3.3.11): backslash, semicolon and comma escaped, every kind of line break as `\n`, and
 * other control characters dropped, so no value can end its line and start a property or component of its own.
 */
export function escapeText(value: string): string {
  return (
    value
      .replace(/[\\;,]/g, (c) => `\\${c}`)
      .replace(/\r\n|\r|\n/g, '\\n')
      // eslint-disable-next-line no-control-regex -- control characters are exactly what this removes
      .replace(/[\u0000-\u0008\u000a-\u001f\u007f]/g, '')
  );
}

/**
 * Splits a content line longer than 75 octets (RFC 5545 3.1): each continuation starts with a space, which counts
 * towards its 75. Splits fall between characters, never inside a multi-octet UTF-8 sequence.
 */
export function foldLine(line: string): string {
  const parts: string[] = [];
  let current = '';
  let octets = 0;
  for (const char of line) {
    const size = Buffer.byteLength(char, 'utf8');
    if (octets + size > MAX_LINE_OCTETS) {
      parts.push(current);
      current = ' ';
      octets = 1;
    }
    current += char;
    octets += size;
  }
  parts.push(current);
  return parts.join(CRLF);
}
