import { GraphQLError } from 'graphql';
import { maskInternalError } from '@tunet/kit';
import { localizeError, localizeFormattedError, messageLocaleOf, onlyInputRefused } from './error-language';
import { serviceUnavailable } from './request-errors';

const cancelRefused = {
  message: 'The booking has started; ask the board to cancel it.',
  extensions: { code: 'CONFLICT', reason: 'STATE_CONFLICT' },
};
const regexRefused = {
  message: 'postalCode: must be four digits',
  extensions: {
    code: 'BAD_USER_INPUT',
    reason: 'INVALID_VALUE',
    field: 'postalCode',
    invalidFields: [{ field: 'postalCode', reason: 'INVALID_VALUE', message: 'postalCode: must be four digits' }],
  },
};
const tooLong = { message: 'Must be at most 200 characters.', extensions: { code: 'BAD_USER_INPUT', reason: 'TOO_LONG', field: 'title', maximum: 200 } };

describe('error messages in the caller language', () => {
  it("keeps the thrower's text of a generic reason when no Accept-Language was sent, and renders specific ones in nb", () => {
    const locale = messageLocaleOf(undefined);
    expect(localizeFormattedError(cancelRefused, locale).message).toBe('The booking has started; ask the board to cancel it.');
    const input = localizeFormattedError(regexRefused, locale);
    expect(input.message).toBe('postalCode: must be four digits');
    expect(input.extensions?.invalidFields).toEqual([expect.objectContaining({ message: 'postalCode: must be four digits' })]);
    expect(localizeFormattedError(tooLong, locale).message).toBe('Kan være høyst 200 tegn.');
    const thrown = new GraphQLError('The key was revoked yesterday.', { extensions: { code: 'UNAUTHENTICATED', reason: 'NOT_LOGGED_IN' } });
    expect(localizeError(thrown, locale)).toBe(thrown);
  });

  it("uses the association's language from the token only for specific reasons when the caller asked for none", () => {
    const asked = messageLocaleOf(undefined);
    expect(localizeFormattedError(cancelRefused, asked, 'nb').message).toBe('The booking has started; ask the board to cancel it.');
    expect(localizeFormattedError(regexRefused, asked, 'nb').message).toBe('postalCode: must be four digits');
    expect(localizeFormattedError(tooLong, asked, 'nb').message).toBe('Kan være høyst 200 tegn.');
    expect(localizeFormattedError(tooLong, asked, 'en').message).toBe('Must be at most 200 characters.');
    expect(localizeFormattedError(tooLong, messageLocaleOf('nb'), 'en').message).toBe('Kan være høyst 200 tegn.');
  });

  it('renders generic reasons in nb for a caller who asked for nb, without advice to reload', () => {
    const locale = messageLocaleOf('nb-NO,nb;q=0.9');
    expect(localizeFormattedError(cancelRefused, locale).message).toBe('Dette kan ikke gjøres lenger.');
    expect(localizeFormattedError(regexRefused, locale).message).toBe('Verdien er ugyldig.');
    expect(localizeFormattedError(cancelRefused, messageLocaleOf('en')).message).toBe('The booking has started; ask the board to cancel it.');
  });

  it("tells a subgraph outage in the caller's language (decision 0055), as every other error", () => {
    const unreachable = serviceUnavailable('posts', 'unreachable');
    const formatted = { message: unreachable.message, extensions: unreachable.extensions };
    expect(localizeFormattedError(formatted, messageLocaleOf('nb')).message).toBe('Oppslagstjenesten kan ikke nås akkurat nå. Prøv igjen om litt.');
    expect(localizeFormattedError(formatted, messageLocaleOf('en')).message).toBe('The posts service cannot be reached. Try again shortly.');
    // Readable names in the text; the subgraph's id stays in extensions.serviceName.
    expect(formatted.extensions).toMatchObject({ serviceName: 'posts' });
    expect((localizeError(serviceUnavailable('members', 'unreachable'), messageLocaleOf('en')) as Error).message).toBe(
      'The member directory cannot be reached. Try again shortly.',
    );
    expect((localizeError(serviceUnavailable('members'), messageLocaleOf('nb')) as Error).message).toBe(
      'Medlemsregisteret svarte ikke i tide. Prøv igjen om litt.',
    );
    // A subgraph whose own call to another did not answer masks it; the gateway renders that one too.
    const masked = maskInternalError(
      { message: 'x', extensions: { code: 'INTERNAL_SERVER_ERROR' } },
      { originalError: Object.assign(new Error('members did not answer in time'), { name: 'TimeoutError' }) },
    );
    expect(localizeFormattedError(masked, messageLocaleOf('nb')).message).toBe('En tjeneste Tunet trenger svarte ikke. Prøv igjen om litt.');
  });

  it('answers 400 only when nothing but refused input came back', () => {
    const refused = { message: 'Feltet må fylles ut.', path: ['createEvent'], extensions: { code: 'BAD_USER_INPUT', reason: 'REQUIRED' } };
    expect(onlyInputRefused(null, [refused])).toBe(true);
    expect(onlyInputRefused({ createEvent: null }, [refused])).toBe(true);
    // Another root field that is null by itself (nothing found), or answered, was an answer.
    expect(onlyInputRefused({ createEvent: null, event: null }, [refused])).toBe(false);
    expect(onlyInputRefused({ createEvent: null, me: { id: '1' } }, [refused])).toBe(false);
    expect(onlyInputRefused({ createEvent: null }, [{ ...refused, extensions: { code: 'FORBIDDEN' } }])).toBe(false);
  });
});
