import { errorReasons, type ErrorReason, type MessageLocale, type ReasonDefinition, type ReasonParams } from './error-reasons';

export function isErrorReason(value: unknown): value is ErrorReason {
  return typeof value === 'string' && Object.hasOwn(errorReasons, value);
}

/**
 * The message of an error with a known reason in `locale`, from the reason and its parameters (the extensions), or
 * null when the reason is unknown (the error keeps its text) or is generic and the caller reads English (the thrower's
 * English text is the more precise one).
 */
export function renderReason(reason: unknown, params: Record<string, unknown>, locale: MessageLocale): string | null {
  if (!isErrorReason(reason)) return null;
  const definition: ReasonDefinition = errorReasons[reason];
  if (definition.generic && locale === 'en') return null;
  return definition[locale](params as ReasonParams);
}

/**
 * The caller's language from an `Accept-Language` header: the most preferred (q-values honoured) of nb, nn and no
 * (all nb) and en (any en-XX), or null when none of them is acceptable.
 */
export function localeFromAcceptLanguage(header: string | undefined | null): MessageLocale | null {
  if (!header) return null;
  const ranked = header
    .split(',')
    .map((part, index) => {
      const [tag = '', ...options] = part.trim().toLowerCase().split(';');
      const q = options.map((o) => /^\s*q=([\d.]+)\s*$/.exec(o)?.[1]).find((v) => v !== undefined);
      return { language: tag.trim().split('-')[0] ?? '', q: q === undefined ? 1 : Number(q), index };
    })
    .filter((entry) => entry.q > 0 && !Number.isNaN(entry.q))
    .sort((a, b) => b.q - a.q || a.index - b.index);
  for (const { language } of ranked) {
    if (language === 'nb' || language === 'nn' || language === 'no') return 'nb';
    if (language === 'en') return 'en';
  }
  return null;
}
