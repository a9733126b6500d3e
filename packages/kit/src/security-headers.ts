import type { RequestHandler } from 'express';

/** A year, as browsers' preload lists ask; sent only in production, where the public address is https. */
const HSTS = 'max-age=31536000; includeSubDomains';

/**
 * Headers every HTTP answer carries (decision 0053): the API answers JSON only, so a browser must neither sniff it
 * into something else, frame it, load it into another site's page, nor tell anyone where a link came from. A route
 * that serves something a browser shows (a file, a page) may loosen them for itself: kit public routes set their own
 * Content-Security-Policy, and the gateway lets other origins embed what its public routes serve.
 */
export function securityHeaders(options: { hsts: boolean }): RequestHandler {
  const headers: Record<string, string> = {
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
    'x-frame-options': 'DENY',
    'cross-origin-resource-policy': 'same-origin',
    ...(options.hsts ? { 'strict-transport-security': HSTS } : {}),
  };
  return (_req, res, next) => {
    res.set(headers);
    next();
  };
}
