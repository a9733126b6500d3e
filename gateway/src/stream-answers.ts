import { errorReasons, ServiceUnavailable, type Logger, type MessageLocale } from '@tunet/kit';
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
 * The subgraph's refusal (401 or 403 from live.stream, with a reason) or graphql-sse's protocol error (400, 409, 404
 * and 415 without a body), passed on with its status, in the caller's language, each error with a code and the
 * request id. graphql-sse writes its errors without codes, so the status and the error's shape name one, as /graphql
 * would. Anything else is the gateway's or the subgraph's fault, thrown to be answered masked: a 401 or 403 without a
 * reason is kit's refusal of the gateway's signature (a secret that differs during a deploy), which a client must not
 * take for its own token's; a 5xx or a 2xx that is no event stream is a bug.
 */
export async function passRefusal(res: Response, answer: globalThis.Response, requestId: string, language: StreamLanguage): Promise<void> {
  const errors = refusedErrors(answer.status, await refusalText(answer));
  res.status(answer.status).json({ errors: errors.map((error) => localized(error, requestId, language)) });
}

/** The body, read within the caller's deadline; a connection lost in the middle of it is the subgraph going away. */
async function refusalText(answer: globalThis.Response): Promise<string> {
  try {
    return await answer.text();
  } catch (error) {
    throw new ServiceUnavailable(`notifications broke off its HTTP ${answer.status} answer`, { cause: error });
  }
}

function refusedErrors(status: number, text: string): GraphQLFormattedError[] {
  const errors = errorsIn(text);
  if (status < 400 || status >= 500) throw new Error(`notifications answered the inbox stream with HTTP ${status} and no event stream: ${text.slice(0, 200)}`);
  if ((status === 401 || status === 403) && !errors?.every((error) => error.extensions?.reason)) {
    throw new Error(`notifications refused the gateway's request with HTTP ${status} and no reason (its signature?): ${text.slice(0, 200)}`);
  }
  if (!errors) return [bodilessRefusal(status, text)];
  return errors.map((error) => ({ ...error, extensions: { code: codeOf(status, error), ...error.extensions } }));
}

/**
 * graphql-sse's refusals without a body that a client can cause through the gateway, which always POSTs: 404 for a
 * request that is no stream (its Accept header), 415 for a body that is not JSON. Any other is a bug, masked.
 */
const BODILESS_REFUSALS: Partial<Record<number, 'STREAM_REQUEST_REFUSED' | 'STREAM_CONTENT_TYPE_REFUSED'>> = {
  404: 'STREAM_REQUEST_REFUSED',
  415: 'STREAM_CONTENT_TYPE_REFUSED',
};

function bodilessRefusal(status: number, text: string): GraphQLFormattedError {
  const reason = BODILESS_REFUSALS[status];
  if (!reason) throw new Error(`notifications refused the inbox stream with HTTP ${status} and no errors: ${text.slice(0, 200)}`);
  return { message: errorReasons[reason].en(), extensions: { code: 'BAD_REQUEST', reason } };
}

function errorsIn(text: string): GraphQLFormattedError[] | null {
  try {
    const errors = (JSON.parse(text) as { errors?: unknown }).errors;
    return Array.isArray(errors) && errors.length > 0 ? (errors as GraphQLFormattedError[]) : null;
  } catch {
    return null;
  }
}

/**
 * graphql-sse passes graphql-js's parse error (its message) as it is. Validation errors never come here: to a stream
 * request graphql-sse sends them as an event, coded by live.stream.
 */
function codeOf(status: number, error: GraphQLFormattedError): string {
  if (status === 400 && error.message.startsWith('Syntax Error')) return 'GRAPHQL_PARSE_FAILED';
  if (status === 401) return 'UNAUTHENTICATED';
  if (status === 403) return 'FORBIDDEN';
  if (status === 409) return 'CONFLICT';
  return 'BAD_REQUEST';
}

function localized(error: GraphQLFormattedError, requestId: string, { locale, fallback }: StreamLanguage): GraphQLFormattedError {
  const { message, extensions } = localizeFormattedError(error, locale, fallback);
  return { ...error, message, extensions: { ...extensions, requestId } };
}
