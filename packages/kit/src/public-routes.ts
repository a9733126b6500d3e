import type { RequestHandler } from 'express';
import type { Logger } from './logger';
import type { RequestContext } from './viewer';

/**
 * Something a client opens by URL outside GraphQL: a signed file download, a calendar feed, an e-mail's
 * unsubscribe link. The gateway forwards `GET /<name>/<rest>` to the owning subgraph's `/public/<name>/<rest>`,
 * signed like every gateway call but without a viewer: browsers, calendar apps and mail clients send no access
 * token, so the route authorises from the URL alone (a signature or a secret token in it). The few routes that
 * act on a small form (RFC 8058 one-click unsubscribe) also take `POST`, with the body signed too.
 */
export interface PublicRequest {
  /** The part after `/<name>`, e.g. `/3f0c…/photo.jpg`. */
  path: string;
  query: Record<string, string>;
  context: RequestContext;
}

/** A form posted to a route that accepts POST; the body is at most 1 kB (the `/public` mount's limit). */
export interface PublicPostRequest extends PublicRequest {
  /** The raw body as sent, e.g. `List-Unsubscribe=One-Click`. */
  body: string;
  /** The client's content type, e.g. `application/x-www-form-urlencoded`; null when it sent none. */
  contentType: string | null;
}

export interface PublicResponse {
  status?: number;
  contentType: string;
  body: Buffer | string;
  headers?: Record<string, string>;
}

/**
 * Answers `GET`. A route that also acts on a posted form carries `post` (see `publicRouteWithPost`); the others
 * answer `POST` with 405, so a GET-only download can never be triggered by a form on another site.
 */
export interface PublicRoute {
  (request: PublicRequest): Promise<PublicResponse>;
  readonly post?: (request: PublicPostRequest) => Promise<PublicResponse>;
}

/** A route that shows something on `GET` and acts on `POST` (a page whose button posts back to the same URL). */
export function publicRouteWithPost(
  get: (request: PublicRequest) => Promise<PublicResponse>,
  post: (request: PublicPostRequest) => Promise<PublicResponse>,
): PublicRoute {
  return Object.assign((request: PublicRequest) => get(request), { post });
}

export class PublicRouteError extends Error {
  constructor(
    readonly status: 400 | 403 | 404 | 410,
    message: string,
  ) {
    super(message);
  }
}

/** The response headers a public route may set; the gateway passes exactly these on to the client. */
export const PUBLIC_RESPONSE_HEADERS = [
  'content-type',
  'content-disposition',
  'cache-control',
  'etag',
  'last-modified',
  'x-content-type-options',
  'content-security-policy',
  'referrer-policy',
] as const;

/**
 * Dispatches `GET` and `POST /public/<name>/<rest>`; mounted behind the gateway signature check, which has read
 * the raw body (so a POST's body is a Buffer here).
 */
export function publicRouter(routes: Record<string, PublicRoute>, logger: Logger): RequestHandler {
  return async (req, res) => {
    const [, name = '', ...rest] = req.path.split('/');
    const route = Object.hasOwn(routes, name) ? routes[name] : undefined;
    if (!route) return void res.status(404).type('text/plain').send('Not found');
    if (req.method !== 'GET' && !(req.method === 'POST' && route.post)) {
      return void res
        .status(405)
        .set('allow', route.post ? 'GET, POST' : 'GET')
        .type('text/plain')
        .send('Method not allowed');
    }
    const context = res.locals.tunet as RequestContext;
    const query = Object.fromEntries(Object.entries(req.query).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
    const request: PublicRequest = { path: `/${rest.join('/')}`, query, context };
    try {
      const answer =
        req.method === 'POST' && route.post
          ? await route.post({
              ...request,
              body: Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '',
              contentType: req.get('content-type') ?? null,
            })
          : await route(request);
      // Downloads are user content: never let a browser guess a type or run it as a page of ours. A route that
      // serves a page of its own (a form to confirm) replaces the policy through its headers.
      res.set({ 'x-content-type-options': 'nosniff', 'content-security-policy': "default-src 'none'; sandbox" });
      res
        .status(answer.status ?? 200)
        .set(answer.headers ?? {})
        .type(answer.contentType)
        .send(answer.body);
    } catch (error) {
      if (error instanceof PublicRouteError) return void res.status(error.status).type('text/plain').send(error.message);
      logger.error({ err: error, requestId: context.requestId, route: name }, 'public route failed');
      res.status(500).type('text/plain').send('Internal server error');
    }
  };
}
