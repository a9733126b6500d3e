import { errorReasons, type Logger, type MessageLocale } from '@tunet/kit';
import type { Response } from 'express';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { localizeFormattedError } from './error-language';

/**
 * The language of a stream's errors, chosen as for /graphql: the caller's `Accept-Language`, else, once the token is
 * verified, the association's language from it (specific reasons only; see error-language's messageOf).
 */
export interface StreamLanguage {
  locale: MessageLocale | undefined;
  fallback?: MessageLocale;
}

/**
 * What the stream tells a client, as JSON with one error: UNAUTHENTICATED (401), RATE_LIMITED (429, with
 * retry-after), SERVICE_UNAVAILABLE and the other refusals as /graphql answers them, in the caller's language; anything
 * else masked.
 */
export function sendError(res: Response, error: unknown, requestId: string, language: StreamLanguage, logger: Logger): void {
  if (!(error instanceof GraphQLError)) {
    logger.error({ err: error, requestId }, 'opening an inbox stream failed');
    return void res.status(500).json({ errors: [{ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR', requestId } }] });
  }
  const { http, ...extensions } = error.extensions as { http?: { status?: number; headers?: Map<string, string> } };
  for (const [name, value] of http?.headers ?? []) res.setHeader(name, value);
  res.status(http?.status ?? 400).json({ errors: [localized({ message: error.message, extensions }, requestId, language)] });
}

/** graphql-sse's `next` with the error, then `complete`: the client's subscription ends with the reason. */
export function lastEvents(reason: GraphQLError, requestId: string, language: StreamLanguage): string {
  const { http: _http, ...extensions } = reason.extensions as Record<string, unknown>;
  const error = localized({ message: reason.message, extensions }, requestId, language);
  return `event: next\ndata: ${JSON.stringify({ errors: [error] })}\n\nevent: complete\ndata:\n\n`;
}

/** 503 while this gateway drains: a client that connects again reaches a replica that is not going away. */
export function shuttingDown(): GraphQLError {
  return new GraphQLError(errorReasons.SERVER_SHUTTING_DOWN.en(), {
    extensions: { code: 'SERVICE_UNAVAILABLE', reason: 'SERVER_SHUTTING_DOWN', http: { status: 503 } },
  });
}

/**
 * The subgraph's answers that say it is not there (decision 0055's failures: a load balancer with nothing behind it,
 * a replica draining or overloaded). A plain 500 is an answer, passed on with the refusals.
 */
export function isOutage(status: number): boolean {
  return status === 502 || status === 503 || status === 504;
}

/**
 * The subgraph's refusal (401 or 403 from live.stream) or graphql-sse's protocol error (400 for a document that does
 * not validate, 409, 406 without a body), passed on with its status, in the caller's language, each error with a code
 * and the request id. graphql-sse writes its errors without codes, so the status names one.
 */
export async function passRefusal(res: Response, answer: globalThis.Response, requestId: string, language: StreamLanguage): Promise<void> {
  const text = await answer.text();
  const code = codeOfStatus(answer.status);
  // graphql-sse's 404 and 406 have no body: a request that is no stream (POST it, with Accept: text/event-stream).
  const errors = errorsIn(text) ?? [{ message: `The live stream was refused (HTTP ${answer.status}): open it with POST and Accept: text/event-stream.` }];
  const coded = errors.map((error) => ({ ...error, extensions: { code, ...error.extensions } }));
  res.status(answer.status).json({ errors: coded.map((error) => localized(error, requestId, language)) });
}

function errorsIn(text: string): GraphQLFormattedError[] | null {
  try {
    const errors = (JSON.parse(text) as { errors?: unknown }).errors;
    return Array.isArray(errors) && errors.length > 0 ? (errors as GraphQLFormattedError[]) : null;
  } catch {
    return null;
  }
}

function codeOfStatus(status: number): string {
  if (status === 401) return 'UNAUTHENTICATED';
  if (status === 403) return 'FORBIDDEN';
  if (status === 409) return 'CONFLICT';
  return status >= 500 ? 'INTERNAL_SERVER_ERROR' : 'BAD_REQUEST';
}

function localized(error: GraphQLFormattedError, requestId: string, { locale, fallback }: StreamLanguage): GraphQLFormattedError {
  const { message, extensions } = localizeFormattedError(error, locale, fallback);
  return { ...error, message, extensions: { ...extensions, requestId } };
}
