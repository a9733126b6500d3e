import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { requestContextSchema, type RequestContext } from './viewer';

/**
 * Gateway → subgraph trust. The gateway signs the request context together with a timestamp, a nonce, the method,
 * the path and query it sends to, and a hash of the exact body, so a captured header cannot be reused for another
 * query, another route or after the window; within the window the nonce is refused the second time (see
 * signature-replay.ts). See docs/decisions/0004-internal-request-signing.md and 0054.
 */
export const CONTEXT_HEADER = 'x-tunet-context';
export const TIMESTAMP_HEADER = 'x-tunet-timestamp';
export const SIGNATURE_HEADER = 'x-tunet-signature';
export const NONCE_HEADER = 'x-tunet-nonce';
export const MAX_CLOCK_SKEW_MS = 30_000;

export function encodeContext(context: RequestContext): string {
  return Buffer.from(JSON.stringify(context)).toString('base64url');
}

/** What is signed: the request as it goes over the wire. `context` is `encodeContext`'s output. */
export interface OutgoingRequest {
  method: string;
  /** The absolute URL the request is sent to; its path and query are signed as fetch sends them. */
  url: string | URL;
  context: string;
  body: Buffer | string;
}

/** The request as a subgraph received it; `target` is the request target as sent (express's `req.originalUrl`). */
export interface IncomingRequest {
  method: string;
  target: string;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

interface Signed {
  timestamp: string;
  nonce: string;
  method: string;
  target: string;
  context: string;
  body: Buffer | string;
}

// Newlines separate the parts: none can contain one (a serialised URL escapes it), so no two requests sign alike.
function mac(secret: string, { timestamp, nonce, method, target, context, body }: Signed): string {
  const bodyHash = createHash('sha256').update(body).digest('hex');
  return createHmac('sha256', secret).update([timestamp, nonce, method.toUpperCase(), target, context, bodyHash].join('\n')).digest('hex');
}

/** The request target fetch sends for a URL: WHATWG URL serialisation has already resolved and escaped it. */
function targetOf(url: string | URL): string {
  const parsed = new URL(url);
  return `${parsed.pathname}${parsed.search}`;
}

/** 128 random bits: every signature is unique, even for the same request signed twice in one millisecond. */
const NONCE_PATTERN = /^[A-Za-z0-9_-]{22}$/;

/** Signs one request: call it for every attempt, so each carries a fresh timestamp and nonce. */
export function signRequest(secret: string, request: OutgoingRequest, now = Date.now()): Record<string, string> {
  const timestamp = String(now);
  const nonce = randomBytes(16).toString('base64url');
  return {
    [CONTEXT_HEADER]: request.context,
    [TIMESTAMP_HEADER]: timestamp,
    [NONCE_HEADER]: nonce,
    [SIGNATURE_HEADER]: mac(secret, { ...request, timestamp, nonce, target: targetOf(request.url) }),
  };
}

/** A valid signature's context and nonce; the nonce must still be claimed (SignatureReplayCache) before serving. */
export type VerifyResult = { ok: true; context: RequestContext; nonce: string } | { ok: false; reason: string };

/**
 * Checks the signature against the method and request target exactly as received: a target the gateway did not
 * send verbatim (unresolved `..`, other escapes, an absolute form) does not match, so what is routed is what was signed.
 */
export function verifyRequest(secret: string, request: IncomingRequest, now = Date.now()): VerifyResult {
  const { headers } = request;
  const context = headers[CONTEXT_HEADER];
  const timestamp = headers[TIMESTAMP_HEADER];
  const signature = headers[SIGNATURE_HEADER];
  const nonce = headers[NONCE_HEADER];
  if (typeof context !== 'string' || typeof timestamp !== 'string' || typeof signature !== 'string' || typeof nonce !== 'string') {
    return { ok: false, reason: 'missing gateway signature' };
  }
  if (!NONCE_PATTERN.test(nonce)) return { ok: false, reason: 'malformed signature nonce' };
  if (!/^\d{1,15}$/.test(timestamp) || Math.abs(now - Number(timestamp)) > MAX_CLOCK_SKEW_MS) {
    return { ok: false, reason: 'signature timestamp outside the allowed window' };
  }
  const expected = Buffer.from(mac(secret, { ...request, timestamp, nonce, context }), 'hex');
  const given = Buffer.from(signature, 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { ok: false, reason: 'invalid gateway signature' };
  }
  const parsed = requestContextSchema.safeParse(safeJson(Buffer.from(context, 'base64url').toString('utf8')));
  return parsed.success ? { ok: true, context: parsed.data, nonce } : { ok: false, reason: 'malformed request context' };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
