import type { ApolloServerPlugin } from '@apollo/server';
import { DEFAULT_MESSAGE_LOCALE, localeFromAcceptLanguage, renderReason, type MessageLocale } from '@tunet/kit';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';

/**
 * The language of a request's error messages: the caller's `Accept-Language` (nb, nn and no read nb; en), else nb,
 * the association default (decision 0045: the association's own locale is not known to the gateway cheaply).
 */
export function messageLocaleOf(acceptLanguage: string | undefined): MessageLocale {
  return localeFromAcceptLanguage(acceptLanguage) ?? DEFAULT_MESSAGE_LOCALE;
}

/**
 * An error's message re-rendered from its `extensions.reason` and parameters in `locale`, and each of its
 * `invalidFields`' too. An error without a known reason keeps its text, and so does a generic reason's in English
 * (the thrower's English text is the more precise one).
 */
export function localizeFormattedError(error: GraphQLFormattedError, locale: MessageLocale): GraphQLFormattedError {
  const extensions = error.extensions;
  if (!extensions) return error;
  const message = renderReason(extensions.reason, extensions, locale) ?? error.message;
  const invalidFields = Array.isArray(extensions.invalidFields)
    ? (extensions.invalidFields as Record<string, unknown>[]).map((entry) => ({
        ...entry,
        message: renderReason(entry.reason, entry, locale) ?? entry.message,
      }))
    : undefined;
  return { ...error, message, extensions: invalidFields ? { ...extensions, invalidFields } : extensions };
}

/** The same for an error thrown before a request has a context (authentication), keeping its HTTP status. */
export function localizeError(error: unknown, locale: MessageLocale): unknown {
  if (!(error instanceof GraphQLError)) return error;
  const message = renderReason(error.extensions.reason, error.extensions, locale);
  return message === null ? error : new GraphQLError(message, { extensions: error.extensions, originalError: error.originalError ?? undefined });
}

/**
 * Messages in the caller's language, and one HTTP status for refused input: 400 when every error is BAD_USER_INPUT and
 * nothing was answered, whether the gateway found it (variable coercion, validation) or a subgraph did (parseInput).
 */
export const errorLanguagePlugin: ApolloServerPlugin<{ locale?: MessageLocale }> = {
  async requestDidStart() {
    return {
      async willSendResponse({ response, contextValue }) {
        if (response.body.kind !== 'single') return;
        const result = response.body.singleResult;
        if (!result.errors) return;
        result.errors = result.errors.map((error) => localizeFormattedError(error, contextValue.locale ?? DEFAULT_MESSAGE_LOCALE));
        const onlyInput = result.errors.every((error) => error.extensions?.code === 'BAD_USER_INPUT');
        const nothingAnswered = !result.data || Object.values(result.data).every((value) => value === null);
        if (onlyInput && nothingAnswered) response.http.status = 400;
      },
    };
  },
};
