import { randomUUID } from 'node:crypto';
import { encodeContext, isUnavailable, PUBLIC_RESPONSE_HEADERS, ServiceUnavailable, signRequest, type Logger } from '@tunet/kit';
import express, { type ErrorRequestHandler, type Express, type Request, type Response } from 'express';
import { noSubgraphBehind } from './subgraph-retries';
import { isTimeout, logTimeout } from './subgraph-timeouts';

/**
 * URL prefixes the gateway forwards to a subgraph's public routes (kit/public-routes), by the subgraph that owns
 * them. Signed file downloads and event calendar feeds are posts'; booking calendar feeds are reservations';
 * e-mail unsubscribe links are notifications'; export archive downloads are privacy's; signed photo links of service
 * requests are operations'; signed portrait links are members' (decision 0047).
 */
export const PUBLIC_ROUTES: Record<string, string> = {
  files: 'posts',
  calendar: 'posts',
  'bookings-calendar': 'reservations',
  unsubscribe: 'notifications',
  'privacy-archives': 'privacy',
  'operations-files': 'operations',
  portraits: 'members',
};

/**
 * The prefixes whose routes also take a posted form: the unsubscribe page's button, and mail clients' RFC 8058
 * one-click `POST` with `List-Unsubscribe=One-Click`; the access code a terminated association types on its export
 * link's page (privacy answers POST only there). Every other prefix answers POST with 404.
 */
export const PUBLIC_POST_ROUTES: ReadonlySet<string> = new Set(['unsubscribe', 'privacy-archives']);

/** What a public form may be sent as: RFC 8058 allows both, and an HTML form sends the first. */
const FORM_TYPES = ['application/x-www-form-urlencoded', 'multipart/form-data'];
/** The subgraphs' `/public` mount refuses more; a one-click body is 26 bytes. */
const FORM_LIMIT = '1kb';

/** The scheme and host the client used, so links a subgraph builds lead back to this gateway. */
export function publicOriginOf(req: Request): string {
  return `${req.protocol}://${req.get('host') ?? 'localhost'}`;
}

interface ForwardOptions {
  subgraphUrl(name: string): string;
  /** How long to wait for the subgraph's whole answer, as for its GraphQL requests (see subgraph-timeouts). */
  timeoutMs(name: string): number;
  internalSecret: string;
  logger: Logger;
}

/**
 * Forwards `GET /<prefix>/…`, and `POST` for the prefixes that take a form, without a viewer: these URLs are
 * opened by browsers, calendar apps and mail clients, which send no access token, so the subgraph authorises them
 * from the URL (a signature, a feed token, an unsubscribe token).
 */
export function mountPublicRoutes(app: Express, options: ForwardOptions): void {
  for (const [prefix, subgraph] of Object.entries(PUBLIC_ROUTES)) {
    app.get(`/${prefix}/{*rest}`, (req, res) => forward(req, res, prefix, subgraph, null, options));
    if (!PUBLIC_POST_ROUTES.has(prefix)) continue;
    app.post(
      `/${prefix}/{*rest}`,
      express.raw({ type: FORM_TYPES, limit: FORM_LIMIT }),
      (req: Request, res: Response) => {
        // express.raw leaves the body alone when the type is not a form's
        if (!Buffer.isBuffer(req.body)) return void res.status(415).type('text/plain').send('Send a form.');
        return forward(req, res, prefix, subgraph, { body: req.body, contentType: req.get('content-type') ?? '' }, options);
      },
      formError,
    );
  }
}

async function forward(
  req: Request,
  res: Response,
  prefix: string,
  subgraph: string,
  form: { body: Buffer; contentType: string } | null,
  options: ForwardOptions,
): Promise<void> {
  const requestId = randomUUID();
  res.setHeader('x-request-id', requestId);
  // Portraits, photos and files are shown in the web app, which may live on another site (decision 0053).
  res.setHeader('cross-origin-resource-policy', 'cross-origin');
  const target = publicTarget(prefix, req, options.subgraphUrl(subgraph));
  if (!target) return void res.status(400).type('text/plain').send('Ugyldig adresse. / Invalid address.');
  const context = encodeContext({ viewer: null, requestId, clientIp: req.ip ?? '', publicOrigin: publicOriginOf(req) });
  const method = form ? 'POST' : 'GET';
  const timeoutMs = options.timeoutMs(subgraph);
  try {
    const answer = await fetch(target, {
      method,
      headers: {
        ...(form ? { 'content-type': form.contentType } : {}),
        ...signRequest(options.internalSecret, { method, url: target, context, body: form?.body ?? '' }),
      },
      body: form ? new Uint8Array(form.body) : undefined,
      signal: AbortSignal.timeout(timeoutMs),
    });
    // A load balancer with no subgraph behind it, or a draining replica: the outage below, not their own page.
    if (noSubgraphBehind(answer.status)) {
      void answer.body?.cancel();
      throw new ServiceUnavailable(`${subgraph} answered HTTP ${answer.status}`);
    }
    // Read whole before any header is passed on: a body that runs out of time is answered as a plain 504.
    const body = await wholeBody(answer);
    for (const header of PUBLIC_RESPONSE_HEADERS) {
      const value = answer.headers.get(header);
      if (value !== null) res.setHeader(header, value);
    }
    res.status(answer.status).send(body);
  } catch (error) {
    if (isTimeout(error)) {
      logTimeout(options.logger, subgraph, timeoutMs, requestId);
      return void res
        .status(504)
        .type('text/plain')
        .send('Tjenesten svarte ikke i tide. Prøv igjen om litt. / The service did not answer in time. Try again shortly.');
    }
    if (isUnavailable(error)) {
      // A subgraph that is down or restarting is an outage, not a fault: the person holding the link can try again.
      options.logger.warn({ err: error, requestId, prefix, subgraph }, 'public route: the subgraph could not be reached');
      return void res
        .status(503)
        .setHeader('retry-after', '5')
        .type('text/plain')
        .send('Tjenesten er ikke tilgjengelig akkurat nå. Prøv igjen om litt. / The service is unavailable right now. Try again shortly.');
    }
    options.logger.error({ err: error, requestId, prefix }, 'public route forwarding failed');
    res.status(502).type('text/plain').send('Noe gikk galt. / Something went wrong.');
  }
}

/** The answer's body; a connection lost in the middle of it is the subgraph going away (running out of time stays so). */
async function wholeBody(answer: globalThis.Response): Promise<Buffer> {
  try {
    return Buffer.from(await answer.arrayBuffer());
  } catch (error) {
    if (isTimeout(error)) throw error;
    throw new ServiceUnavailable('the subgraph broke off its answer', { cause: error });
  }
}

/**
 * The subgraph URL a public request goes to, or null when its path could leave `public/<prefix>`. URL parsers on the way
 * resolve `.` and `..` segments, also percent-encoded ones, and read a backslash as a slash; a path whose decoded
 * forms (once, twice, … encoded) hold any of them is refused rather than cleaned, as no link of ours has them.
 */
function publicTarget(prefix: string, req: Request, subgraphUrl: string): URL | null {
  // req.path is the path as sent, neither resolved nor decoded; the router matched its first segment to the prefix.
  const rest = req.path.slice(prefix.length + 1);
  if (!decodedFormsStayPut(rest)) return null;
  const query = req.originalUrl.indexOf('?');
  const target = new URL(`public/${prefix}${rest}${query === -1 ? '' : req.originalUrl.slice(query)}`, subgraphUrl);
  const root = new URL(`public/${prefix}`, subgraphUrl).pathname;
  return target.pathname === root || target.pathname.startsWith(`${root}/`) ? target : null;
}

function decodedFormsStayPut(path: string): boolean {
  for (let form = path, previous = ''; form !== previous; previous = form, form = decodeAscii(form)) {
    if (form.includes('\\') || form.split('/').some((segment) => segment === '.' || segment === '..')) return false;
  }
  return true;
}

/** Decodes ASCII escapes only, leniently: a stray `%` must not hide the escapes after it. */
function decodeAscii(text: string): string {
  return text.replace(/%([0-7][0-9a-f])/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

/** A body over the limit (or unreadable) gets a short answer, never express's error page. */
const formError: ErrorRequestHandler = (error: { status?: number }, _req, res, _next) => {
  const status = error.status === 413 ? 413 : 400;
  res
    .status(status)
    .type('text/plain')
    .send(status === 413 ? 'The form is too large.' : 'The form could not be read.');
};
