import cors from 'cors';
import type { RequestHandler } from 'express';

/**
 * Browsers on another origin (the web app at WEB_APP_ORIGIN) may call /graphql and open /graphql/stream; any other
 * origin gets no CORS headers, so the browser keeps the answer from its page. The API authenticates with bearer tokens,
 * never cookies, so no credentials are allowed. Clients read x-request-id (support) and retry-after (RATE_LIMITED).
 */
export function corsFor(allowedOrigins: readonly string[]): RequestHandler {
  const allowed = new Set(allowedOrigins.map(originOf));
  return cors({
    origin: (origin, callback) => callback(null, origin !== undefined && allowed.has(origin)),
    methods: ['GET', 'POST', 'OPTIONS'],
    exposedHeaders: ['x-request-id', 'retry-after'],
    credentials: false,
    maxAge: 600,
  });
}

/**
 * The allowed origins from the environment: WEB_APP_ORIGIN and CORS_ALLOWED_ORIGINS (comma-separated), each an origin
 * such as https://app.tunet.example.no (a trailing slash is tolerated, a path is not).
 */
export function allowedOriginsFromEnv(env: NodeJS.ProcessEnv): string[] {
  const values = [env.WEB_APP_ORIGIN ?? '', ...(env.CORS_ALLOWED_ORIGINS ?? '').split(',')].map((value) => value.trim()).filter(Boolean);
  return values.map(originOf);
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

function originOf(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`CORS origin ${JSON.stringify(value)} is not a URL (e.g. https://app.tunet.example.no)`);
  }
  if (url.pathname !== '/' || url.search || url.hash || url.username || url.password) {
    throw new Error(`CORS origin ${JSON.stringify(value)} must be an origin only (scheme, host and port)`);
  }
  // A file: or data: URL has the origin "null", which any sandboxed page sends; plain http only on this machine.
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK.has(url.hostname))) {
    throw new Error(`CORS origin ${JSON.stringify(value)} must be https: (http: only for localhost)`);
  }
  return url.origin;
}
