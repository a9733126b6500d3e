import { localeFromAcceptLanguage, renderReason } from './error-messages';
import { errorReasons, refuse, type ReasonDefinition, type ReasonParams } from './error-reasons';
import { conflict, notFound, rateLimited, unauthenticated } from './errors';

/** Parameters a reason's message may quote (any other one reads 3), so that every text renders without `undefined`. */
const KNOWN: ReasonParams = {
  limit: 2,
  deadline: '2026-12-24T12:00:00+01:00',
  minimum: 1,
  maximum: 200,
  format: 'email',
  options: 'A, B',
  entity: 'Booking',
  retryAfterSeconds: 30,
  feature: 'operationsCenter',
  suspensionReason: 'Hærverk',
  until: '2026-12-31',
  start: 'startsAt',
};
const SAMPLE: ReasonParams = new Proxy<ReasonParams>(KNOWN, { get: (known, key) => (typeof key === 'string' ? (known[key] ?? 3) : undefined) });

describe('error reasons', () => {
  it.each(Object.entries(errorReasons as Record<string, ReasonDefinition>))('%s has a description and an en and nb text', (reason, definition) => {
    expect(reason).toMatch(/^[A-Z][A-Z0-9_]+$/);
    expect(definition.description.length).toBeGreaterThan(10);
    for (const locale of ['en', 'nb'] as const) {
      const text = definition[locale](SAMPLE);
      expect(text.length).toBeGreaterThan(5);
      expect(text).not.toMatch(/undefined|\[object/);
    }
    expect(definition.nb(SAMPLE)).not.toBe(definition.en(SAMPLE));
  });

  it('refuse carries the code, the reason, its parameters and the field', () => {
    const error = refuse('QUOTA_EXCEEDED', { limit: 2 }, 'startsAt');
    expect(error.extensions).toEqual({ code: 'CONFLICT', reason: 'QUOTA_EXCEEDED', limit: 2, field: 'startsAt' });
    expect(error.message).toBe('Your household has used its quota of 2.');
  });

  it("keeps the gateway's own reasons, whose BAD_REQUEST clients are not told to expect from an operation, out of refuse()", () => {
    // @ts-expect-error: only the gateway answers with it (stream-answers), never a resolver.
    expect(() => refuse('STREAM_REQUEST_REFUSED')).toThrow();
  });

  it('gives the kit helpers a reason: generic for free text, specific where one call means one thing', () => {
    expect(conflict('The booking is already cancelled.').extensions).toMatchObject({ code: 'CONFLICT', reason: 'STATE_CONFLICT' });
    expect(unauthenticated().extensions).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'NOT_LOGGED_IN' });
    expect(notFound('Booking').extensions).toMatchObject({ code: 'NOT_FOUND', reason: 'NOT_FOUND', entity: 'Booking' });
    expect(rateLimited(30).extensions).toMatchObject({ code: 'RATE_LIMITED', reason: 'RATE_LIMITED', retryAfterSeconds: 30 });
  });

  it('renders a message from the reason and its parameters in nb or en', () => {
    expect(renderReason('SIGNUP_CLOSED', { deadline: '2026-12-24T12:00:00+01:00' }, 'nb')).toBe('Påmeldingen stengte 2026-12-24T12:00:00+01:00.');
    expect(renderReason('TOO_LONG', { maximum: 200 }, 'en')).toBe('Must be at most 200 characters.');
    expect(renderReason('NOT_A_REASON', {}, 'nb')).toBeNull();
    // A generic reason's thrower wrote a more precise English text, which English callers keep.
    expect(renderReason('STATE_CONFLICT', {}, 'en')).toBeNull();
    expect(renderReason('STATE_CONFLICT', {}, 'nb')).toBe('Dette kan ikke gjøres lenger.');
  });

  it('says second, not seconds, for a wait of one (en and nb)', () => {
    expect(renderReason('TOO_MANY_REQUESTS', { retryAfterSeconds: 1 }, 'en')).toBe('Too many requests. Try again in 1 second.');
    expect(renderReason('TOO_MANY_REQUESTS', { retryAfterSeconds: 1 }, 'nb')).toBe('For mange forespørsler. Prøv igjen om 1 sekund.');
    expect(renderReason('TOO_MANY_REQUESTS', { retryAfterSeconds: 2 }, 'nb')).toBe('For mange forespørsler. Prøv igjen om 2 sekunder.');
    expect(renderReason('RATE_LIMITED', { retryAfterSeconds: 1 }, 'nb')).toBe('For mange forsøk. Prøv igjen om 1 sekund.');
    expect(rateLimited(1).message).toBe('Too many attempts. Try again in 1 second.');
  });

  it.each([
    ['nb-NO,nb;q=0.9,en;q=0.8', 'nb'],
    ['nn', 'nb'],
    ['no', 'nb'],
    ['en-GB', 'en'],
    ['en;q=0.5, nb;q=0.9', 'nb'],
    ['nb;q=0.2, en', 'en'],
    ['de-DE, en;q=0.7, nb;q=0.6', 'en'],
    ['de, fr', null],
    ['nb;q=0, en;q=0.1', 'en'],
    ['', null],
  ])('reads Accept-Language %j as %s', (header, locale) => {
    expect(localeFromAcceptLanguage(header)).toBe(locale);
  });
});
