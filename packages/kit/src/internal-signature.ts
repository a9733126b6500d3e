import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { requestContextSchema, type RequestContext } from './viewer';

/**
 * Gateway → subgraph trust. The gateway signs the request context together with a timestamp and a hash of
 * the exact body it sends, so a captured header cannot be reused for another query or after the window.
 * See docs/decisions/0004-internal-request-signing.md.
 */
export const CONTEXT_HEADER = 'x-tunet-context';
export const TIMESTAMP_HEADER = 'x-tunet-timestamp';
export const SIGNATURE_HEADER = 'x-tunet-signature';
export const MAX_CLOCK_SKEW_MS = 30_000;

export function encodeContext(context: RequestContext): string {
  return Buffer.from(JSON.stringify(context)).toString('base64url');
}

function mac(secret: string, timestamp: string, encodedContext: string, body: Buffer | string): string {
  const bodyHash = createHash('sha256').update(body).digest('hex');
  return createHmac('sha256', secret).update(`${timestamp}.${encodedContext}.${bodyHash}`).digest('hex');
}

export function signRequest(
  secret: string,
  encodedContext: string,
  body: Buffer | string,
  now = Date.now(),
): Record<string, string> {
  const timestamp = String(now);
  return {
    [CONTEXT_HEADER]: encodedContext,
    [TIMESTAMP_HEADER]: timestamp,
    [SIGNATURE_HEADER]: mac(secret, timestamp, encodedContext, body),
  };
}

export type VerifyResult = { ok: true; context: RequestContext } | { ok: false; reason: string };

export function verifyRequest(
  secret: string,
  headers: Record<string, string | string[] | undefined>,
  body: Buffer,
  now = Date.now(),
): VerifyResult {
  const encoded = headers[CONTEXT_HEADER];
  const timestamp = headers[TIMESTAMP_HEADER];
  const signature = headers[SIGNATURE_HEADER];
  if (typeof encoded !== 'string' || typeof timestamp !== 'string' || typeof signature !== 'string') {
    return { ok: false, reason: 'missing gateway signature' };
  }
  if (!/^\d{1,15}$/.test(timestamp) || Math.abs(now - Number(timestamp)) > MAX_CLOCK_SKEW_MS) {
    return { ok: false, reason: 'signature timestamp outside the allowed window' };
  }
  const expected = Buffer.from(mac(secret, timestamp, encoded, body), 'hex');
  const given = Buffer.from(signature, 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { ok: false, reason: 'invalid gateway signature' };
  }
  const parsed = requestContextSchema.safeParse(safeJson(Buffer.from(encoded, 'base64url').toString('utf8')));
  return parsed.success ? { ok: true, context: parsed.data } : { ok: false, reason: 'malformed request context' };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
