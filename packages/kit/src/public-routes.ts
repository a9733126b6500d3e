import type { RequestHandler } from 'express';
import type { Logger } from './logger';
import type { RequestContext } from './viewer';

/**
 * Something a client opens by URL outside GraphQL: a signed file download, a calendar feed. The gateway forwards
 * `GET /<name>/<rest>` to the owning subgraph's `/public/<name>/<rest>`, signed like every gateway call but without
 * a viewer: browsers and calendar apps send no access token, so the route authorises from the URL alone (a
 * signature or a secret token in it).
 */
export interface PublicRequest {
  /** The part after `/<name>`, e.g. `/3f0c…/photo.jpg`. */
  path: string;
  query: Record<string, string>;
  context: RequestContext;
}

export interface PublicResponse {
  status?: number;
  contentType: string;
  body: Buffer | string;
  headers?: Record<string, string>;
}

export type PublicRoute = (request: PublicRequest) => Promise<PublicResponse>;

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
] as const;

/** Dispatches `GET /public/<name>/<rest>`; mounted behind the gateway signature check. */
export function publicRouter(routes: Record<string, PublicRoute>, logger: Logger): RequestHandler {
  return async (req, res) => {
    const [, name = '', ...rest] = req.path.split('/');
    const route = req.method === 'GET' && Object.hasOwn(routes, name) ? routes[name] : undefined;
    if (!route) return void res.status(404).type('text/plain').send('Not found');
    const context = res.locals.tunet as RequestContext;
    const query = Object.fromEntries(
      Object.entries(req.query).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
    );
    try {
      const answer = await route({ path: `/${rest.join('/')}`, query, context });
      // Downloads are user content: never let a browser guess a type or run it as a page of ours.
      res.set({ 'x-content-type-options': 'nosniff', 'content-security-policy': "default-src 'none'; sandbox" });
      res.status(answer.status ?? 200).set(answer.headers ?? {}).type(answer.contentType).send(answer.body);
    } catch (error) {
      if (error instanceof PublicRouteError) return void res.status(error.status).type('text/plain').send(error.message);
      logger.error({ err: error, requestId: context.requestId, route: name }, 'public route failed');
      res.status(500).type('text/plain').send('Internal server error');
    }
  };
}
