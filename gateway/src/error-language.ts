import type { ApolloServerPlugin } from '@apollo/server';
import {
  DEFAULT_MESSAGE_LOCALE,
  errorReasons,
  isErrorReason,
  localeFromAcceptLanguage,
  renderReason,
  type MessageLocale,
  type ReasonDefinition,
} from '@tunet/kit';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';

/**
 * The language the caller asked for in `Accept-Language` (nb, nn and no read nb; en), or undefined when it asked for
 * none of them: then specific reasons read the association's language from the access token (decision 0045), nb for
 * a caller without one (anonymous, an API key), and generic ones keep the thrower's text.
 */
export function messageLocaleOf(acceptLanguage: string | undefined): MessageLocale | undefined {
  return localeFromAcceptLanguage(acceptLanguage) ?? undefined;
}

/**
 * A message from a reason in `locale`, or `text` (the thrower's) for an unknown reason, a generic one in English, and
 * a generic one when the caller chose no language: "ask the board to cancel it" says more than "this can no longer
 * be done", and a caller who sent no Accept-Language is as likely a script reading English. Specific reasons read
 * `fallback` (the association's language from the access token) when the caller asked for none, else nb.
 */
function messageOf(
  reason: unknown,
  params: Record<string, unknown>,
  locale: MessageLocale | undefined,
  text: string,
  fallback: MessageLocale | undefined,
): string {
  if (locale === undefined && isErrorReason(reason) && (errorReasons[reason] as ReasonDefinition).generic) return text;
  return renderReason(reason, params, locale ?? fallback ?? DEFAULT_MESSAGE_LOCALE) ?? text;
}

/**
 * An error's message re-rendered from its `extensions.reason` and parameters in `locale`, and each of its
 * `invalidFields`' too (see messageOf for the ones that keep their text).
 */
export function localizeFormattedError(error: GraphQLFormattedError, locale: MessageLocale | undefined, fallback?: MessageLocale): GraphQLFormattedError {
  const extensions = error.extensions;
  if (!extensions) return error;
  const message = messageOf(extensions.reason, extensions, locale, error.message, fallback);
  const invalidFields = Array.isArray(extensions.invalidFields)
    ? (extensions.invalidFields as Record<string, unknown>[]).map((entry) => ({
        ...entry,
        message: messageOf(entry.reason, entry, locale, String(entry.message), fallback),
      }))
    : undefined;
  return { ...error, message, extensions: invalidFields ? { ...extensions, invalidFields } : extensions };
}

/** The same for an error thrown before a request has a context (authentication), keeping its HTTP status. */
export function localizeError(error: unknown, locale: MessageLocale | undefined): unknown {
  if (!(error instanceof GraphQLError)) return error;
  const message = messageOf(error.extensions.reason, error.extensions, locale, error.message, undefined);
  return message === error.message ? error : new GraphQLError(message, { extensions: error.extensions, originalError: error.originalError ?? undefined });
}

/**
 * Messages in the caller's language, and one HTTP status for refused input: 400 when every error is BAD_USER_INPUT and
 * nothing was answered, whether the gateway found it (variable coercion, validation) or a subgraph did (parseInput).
 */
export const errorLanguagePlugin: ApolloServerPlugin<{ locale?: MessageLocale; associationLocale?: MessageLocale }> = {
  async requestDidStart() {
    return {
      async willSendResponse({ response, contextValue }) {
        if (response.body.kind !== 'single') return;
        const result = response.body.singleResult;
        if (!result.errors) return;
        result.errors = result.errors.map((error) => localizeFormattedError(error, contextValue.locale, contextValue.associationLocale));
        if (onlyInputRefused(result.data, result.errors)) response.http.status = 400;
      },
    };
  },
};

/**
 * Whether an answer is only refused input: every error BAD_USER_INPUT, and no data, or each root field null because
 * of one of those errors (its path starts there). A root field that is legitimately null (`event` not found) or a
 * non-null one means something was answered: 200.
 */
export function onlyInputRefused(data: Record<string, unknown> | null | undefined, errors: readonly GraphQLFormattedError[]): boolean {
  if (!errors.every((error) => error.extensions?.code === 'BAD_USER_INPUT')) return false;
  if (!data) return true;
  return Object.entries(data).every(([key, value]) => value === null && errors.some((error) => error.path?.[0] === key));
}
