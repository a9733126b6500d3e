import { randomUUID } from 'node:crypto';
import { encodeContext, PUBLIC_RESPONSE_HEADERS, signRequest, type Logger } from '@tunet/kit';
import type { Express, Request } from 'express';

/**
 * URL prefixes the gateway forwards to a subgraph's public routes (kit/public-routes), by the subgraph that owns
 * them. Signed file downloads and event calendar feeds are posts'; booking calendar feeds are reservations'.
 */
export const PUBLIC_ROUTES: Record<string, string> = { files: 'posts', calendar: 'posts', 'bookings-calendar': 'reservations' };

/** The scheme and host the client used, so links a subgraph builds lead back to this gateway. */
export function publicOriginOf(req: Request): string {
  return `${req.protocol}://${req.get('host') ?? 'localhost'}`;
}

/**
 * Forwards `GET /<prefix>/…` without a viewer: these URLs are opened by browsers and calendar apps, which send no
 * access token, so the subgraph authorises them from the URL (a signature, a feed token).
 */
export function mountPublicRoutes(
  app: Express,
  options: { subgraphUrl(name: string): string; internalSecret: string; logger: Logger },
): void {
  for (const [prefix, subgraph] of Object.entries(PUBLIC_ROUTES)) {
    app.get(`/${prefix}/{*rest}`, async (req, res) => {
      const requestId = randomUUID();
      res.setHeader('x-request-id', requestId);
      const context = encodeContext({ viewer: null, requestId, clientIp: req.ip ?? '', publicOrigin: publicOriginOf(req) });
      const rest = req.originalUrl.slice(prefix.length + 1);
      try {
        const answer = await fetch(new URL(`public/${prefix}${rest}`, options.subgraphUrl(subgraph)), {
          headers: signRequest(options.internalSecret, context, ''),
          signal: AbortSignal.timeout(30_000),
        });
        for (const header of PUBLIC_RESPONSE_HEADERS) {
          const value = answer.headers.get(header);
          if (value !== null) res.setHeader(header, value);
        }
        res.status(answer.status).send(Buffer.from(await answer.arrayBuffer()));
      } catch (error) {
        options.logger.error({ err: error, requestId, prefix }, 'public route forwarding failed');
        res.status(502).type('text/plain').send('Bad gateway');
      }
    });
  }
}
