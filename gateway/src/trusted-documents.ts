import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Request, RequestHandler } from 'express';
import { localeFromAcceptLanguage, renderReason, DEFAULT_MESSAGE_LOCALE } from '@tunet/kit';
import { z } from 'zod';

/** Apollo's persisted query manifest, as `npm run trusted-documents` writes it from clients/operations. */
const manifestSchema = z.object({
  format: z.literal('apollo-persisted-query-manifest'),
  version: z.literal(1),
  operations: z.array(z.object({ id: z.string().regex(/^[0-9a-f]{64}$/), name: z.string(), type: z.string(), body: z.string() })),
});

/**
 * The allow-list of documents a gateway serves when it is started with TRUSTED_DOCUMENTS_PATH (decision 0053): a
 * request names a listed document by its SHA-256 (`extensions.persistedQuery.sha256Hash`, the query left out) or sends
 * the exact text of one; anything else is refused before it is parsed. Off unless configured: third-party integrators
 * write their own operations.
 */
export class TrustedDocuments {
  private constructor(private readonly bodies: ReadonlyMap<string, string>) {}

  /** Refuses a manifest whose id is not the SHA-256 of its body: the gateway would serve a document nobody listed. */
  static fromManifest(json: unknown): TrustedDocuments {
    const manifest = manifestSchema.parse(json);
    const bodies = new Map<string, string>();
    for (const { id, name, body } of manifest.operations) {
      if (sha256(body) !== id) throw new Error(`trusted documents: the id of ${name} is not the SHA-256 of its body`);
      bodies.set(id, body);
    }
    return new TrustedDocuments(bodies);
  }

  static async load(file: string): Promise<TrustedDocuments> {
    return TrustedDocuments.fromManifest(JSON.parse(await readFile(file, 'utf8')));
  }

  get size(): number {
    return this.bodies.size;
  }

  /** The document text to run, or null when the operation is not on the list. */
  documentFor(query: unknown, persistedHash: unknown): string | null {
    if (typeof query === 'string') {
      const id = sha256(query);
      return this.bodies.has(id) && (persistedHash === undefined || persistedHash === id) ? query : null;
    }
    return typeof persistedHash === 'string' ? (this.bodies.get(persistedHash) ?? null) : null;
  }
}

/**
 * Puts the listed document's text in place of a hash before Apollo Server reads the request (its own persisted
 * queries stay off, so the operation limits read the text that runs), and refuses any other operation with HTTP 400,
 * FORBIDDEN and reason OPERATION_NOT_TRUSTED.
 */
export function trustedDocumentsOnly(documents: TrustedDocuments): RequestHandler {
  return (req, res, next) => {
    const get = req.method === 'GET';
    const source = (get ? req.query : req.body) as Record<string, unknown> | undefined;
    const query = source && typeof source === 'object' && !Array.isArray(source) ? source.query : undefined;
    const extensions = extensionsOf(source?.extensions);
    const document = Array.isArray(source) ? null : documents.documentFor(query, persistedHashOf(extensions));
    if (document === null) {
      const locale = localeFromAcceptLanguage(req.headers['accept-language']) ?? DEFAULT_MESSAGE_LOCALE;
      const message = renderReason('OPERATION_NOT_TRUSTED', {}, locale) ?? 'This operation is not on the list this API serves.';
      return void res.status(400).json({ errors: [{ message, extensions: { code: 'FORBIDDEN', reason: 'OPERATION_NOT_TRUSTED' } }] });
    }
    if (query === undefined) setDocument(req, document, extensions);
    next();
  };
}

function setDocument(req: Request, document: string, extensions: Record<string, unknown>): void {
  const { persistedQuery: _named, ...rest } = extensions;
  if (req.method !== 'GET') {
    const body = req.body as Record<string, unknown>;
    body.query = document;
    if (Object.keys(rest).length > 0) body.extensions = rest;
    else delete body.extensions;
    return;
  }
  // Express reads req.query from the URL each time: the document goes into the URL itself.
  const url = new URL(req.url, 'http://gateway');
  url.searchParams.set('query', document);
  if (Object.keys(rest).length > 0) url.searchParams.set('extensions', JSON.stringify(rest));
  else url.searchParams.delete('extensions');
  req.url = `${url.pathname}${url.search}`;
}

/** POST carries extensions as an object; GET as JSON text in the query string. */
function extensionsOf(value: unknown): Record<string, unknown> {
  let parsed = value;
  if (typeof value === 'string') {
    try {
      parsed = JSON.parse(value);
    } catch {
      return {};
    }
  }
  return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
}

function persistedHashOf(extensions: Record<string, unknown>): unknown {
  const persisted = extensions.persistedQuery;
  return persisted && typeof persisted === 'object' ? (persisted as { sha256Hash?: unknown }).sha256Hash : undefined;
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
