import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';
import { z } from 'zod';
import { encodeContext, signRequest } from './internal-signature';
import type { Logger } from './logger';
import { traceAnswer, traceOutgoing } from './tracing';
import type { RequestContext } from './viewer';

/**
 * A route other Tunet processes call on a subgraph, outside GraphQL (the gateway verifying an API key). It gets
 * the parsed JSON body and answers with JSON (HTTP 200), or throws `InternalRouteError` for another status.
 */
export type InternalRoute = (body: unknown, request: RequestContext) => Promise<unknown>;

export class InternalRouteError extends Error {
  constructor(
    readonly status: 400 | 403 | 404 | 409,
    message: string,
    /** More for the caller to act on than the message, e.g. why something is refused. */
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/**
 * Another Tunet process could not be asked (not reachable, timed out, or answering 5xx): a passing outage, not a fault
 * of what was asked. An event handler failing with it is retried later rather than set aside (event-subscriber.ts).
 */
export class ServiceUnavailable extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ServiceUnavailable';
  }
}

/**
 * Whether `error`, or an error it was caused by, says another process could not be asked: `ServiceUnavailable`, or
 * what fetch throws when nothing answers (`TypeError: fetch failed`) or the wait ran out (`TimeoutError`, `AbortError`).
 */
export function isUnavailable(error: unknown): boolean {
  // Duck-typed: fetch's errors come from Node's own realm, which `instanceof` does not see under a vm (jest).
  let current = error as { name?: unknown; message?: unknown; cause?: unknown } | null | undefined;
  for (let depth = 0; current && typeof current === 'object' && depth < 5; current = current.cause as typeof current, depth++) {
    if (current instanceof ServiceUnavailable || current.name === 'TimeoutError' || current.name === 'AbortError') return true;
    if (current.name === 'TypeError' && current.message === 'fetch failed') return true;
  }
  return false;
}

/** The error for an answer that was not 200: `ServiceUnavailable` for 5xx (the process is there but cannot serve). */
export function routeFailure(route: string, status: number): Error {
  const message = `${route} answered HTTP ${status}`;
  return status >= 500 ? new ServiceUnavailable(message) : new Error(message);
}

/** An answer of raw bytes instead of JSON (a file for the privacy export's archive). */
export class InternalBinaryAnswer {
  constructor(
    readonly bytes: Buffer,
    readonly contentType: string,
  ) {}
}

/**
 * A route only Tunet processes call, without a viewer (a viewer would mean a person's request was forwarded), whose
 * body must fit `schema`: anything else is refused with 400 before `handle` runs.
 */
export function processRoute<T>(schema: z.ZodType<T>, handle: (body: T) => Promise<unknown>): InternalRoute {
  return async (body, request) => {
    if (request.viewer) throw new InternalRouteError(400, 'This route answers Tunet processes, not people.');
    const parsed = schema.safeParse(body);
    if (!parsed.success) throw new InternalRouteError(400, `The body does not fit this route: ${z.prettifyError(parsed.error)}`);
    return handle(parsed.data);
  };
}

/** Where a subgraph serves an internal route: beside its `/graphql`, so a path prefix in front of it carries over. */
export function internalRouteUrl(graphqlUrl: string, route: string): string {
  return new URL(`internal/${route}`, graphqlUrl).toString();
}

/**
 * POSTs a JSON payload to another Tunet process's internal route, signed without a viewer (the route answers for the
 * association its body names) and given up after `timeoutMs`. The caller reads the status it expects.
 */
export async function postInternalRoute(request: {
  graphqlUrl: string;
  route: string;
  internalSecret: string;
  payload: unknown;
  timeoutMs: number;
  /** Whose request this serves, for the logs; a fresh id when the call is the process's own. */
  caller?: Pick<RequestContext, 'requestId' | 'clientIp'>;
}): Promise<Response> {
  const body = JSON.stringify(request.payload);
  const { requestId = randomUUID(), clientIp = '' } = request.caller ?? {};
  const context = encodeContext({ viewer: null, requestId, clientIp });
  const url = internalRouteUrl(request.graphqlUrl, request.route);
  // A client span whose context the route's server span continues (decision 0060).
  return traceOutgoing('POST /internal', { 'tunet.internal_route': request.route }, async (traceHeaders, span) => {
    const answer = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...traceHeaders, ...signRequest(request.internalSecret, { method: 'POST', url, context, body }) },
      body,
      signal: AbortSignal.timeout(request.timeoutMs),
    });
    traceAnswer(span, answer.status);
    return answer;
  });
}

/** Dispatches `POST /internal/<route>`; mounted behind the gateway signature check like `/graphql`. */
export function internalRouter(routes: Record<string, InternalRoute>, logger: Logger): RequestHandler {
  return async (req, res) => {
    const name = req.path.slice(1);
    // Own properties only: `constructor` or `toString` must not be callable from outside.
    const route = req.method === 'POST' && Object.hasOwn(routes, name) ? routes[name] : undefined;
    if (!route) return void res.status(404).json({ error: 'No such internal route.' });
    const context = res.locals.tunet as RequestContext;
    try {
      const answer = await route(req.body, context);
      if (answer instanceof InternalBinaryAnswer) return void res.type(answer.contentType).send(answer.bytes);
      res.json(answer ?? null);
    } catch (error) {
      if (error instanceof InternalRouteError) return void res.status(error.status).json({ ...error.details, error: error.message });
      logger.error({ err: error, requestId: context.requestId, route: name }, 'internal route failed');
      res.status(500).json({ error: 'Internal server error' });
    }
  };
}
