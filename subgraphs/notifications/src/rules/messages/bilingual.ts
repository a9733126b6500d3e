import { DateTime } from 'luxon';
import type { AssociationInfo, Locale, NotificationIntent, RenderedMessage } from '../../model';

/**
 * What every message catalogue shares: a notification's title, body, link and button are written in Norwegian
 * (bokmål) and English side by side, and each builder returns the intent's `render`. Dates and times are shown in
 * the association's time zone, with the year only when it is not the year the event happened.
 */

export type Render = NotificationIntent['render'];

/** Formats instants and dates for one language and zone, relative to when the event happened. */
class Clock {
  constructor(
    private readonly locale: Locale,
    private readonly zone: string,
    private readonly reference: Date,
  ) {}

  /** `tirsdag 24. november kl. 18:00` / `Tuesday 24 November at 18:00`. */
  dateTime(instant: string): string {
    return `${this.day(this.at(instant))} ${this.locale === 'nb' ? 'kl.' : 'at'} ${this.at(instant).toFormat('HH:mm')}`;
  }

  /** A calendar date (YYYY-MM-DD): `1. januar 2099` / `1 January 2099`, without the weekday. */
  date(isoDate: string): string {
    const day = DateTime.fromISO(isoDate, { zone: this.zone }).setLocale(this.luxonLocale());
    return day.toFormat(this.locale === 'nb' ? `d. LLLL${this.year(day)}` : `d LLLL${this.year(day)}`);
  }

  /** A booking's time: one day with both times, or from one day and time to another. */
  range(start: string, end: string): string {
    const [from, to] = [this.at(start), this.at(end)];
    if (from.hasSame(to, 'day')) {
      return `${this.day(from)}${this.locale === 'nb' ? ' kl.' : ','} ${from.toFormat('HH:mm')}–${to.toFormat('HH:mm')}`;
    }
    return this.locale === 'nb' ? `fra ${this.dateTime(start)} til ${this.dateTime(end)}` : `from ${this.dateTime(start)} to ${this.dateTime(end)}`;
  }

  private at(instant: string): DateTime {
    return DateTime.fromISO(instant, { zone: this.zone }).setLocale(this.luxonLocale());
  }

  private day(at: DateTime): string {
    return at.toFormat(this.locale === 'nb' ? `cccc d. LLLL${this.year(at)}` : `cccc d LLLL${this.year(at)}`);
  }

  private year(at: DateTime): string {
    return at.year === DateTime.fromJSDate(this.reference, { zone: this.zone }).year ? '' : ' yyyy';
  }

  private luxonLocale(): string {
    // British English writes the day before the month, as Norwegians do.
    return this.locale === 'nb' ? 'nb' : 'en-GB';
  }
}

/** The text of one message in each language; `clock` formats dates for that language. */
type Variants = Record<Locale, (association: AssociationInfo, clock: Clock) => RenderedMessage>;

export function bilingual(occurredAt: Date, variants: Variants): Render {
  return (locale, association) => variants[locale](association, new Clock(locale, association.timeZone, occurredAt));
}

export function paragraphs(...parts: (string | null | false | undefined)[]): string {
  return parts.filter((part): part is string => Boolean(part)).join('\n\n');
}
