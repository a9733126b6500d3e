import { randomUUID } from 'node:crypto';
import {
  badUserInput,
  conflict,
  createLogger,
  forbidden,
  notFound,
  unauthenticated,
  type FileStorage,
  type PublicPostRequest,
  type PublicRequest,
  type PublicResponse,
  type Viewer,
} from '@tunet/kit';
import { ARCHIVE_ROUTE } from './archive-links';
import { closureLinkPage, type ClosureLinkPage } from './closure-link-page';
import { isTokenShaped, linkExpiry, linkState, MAX_FAILED_ATTEMPTS, newLinkSecrets, normalizeCode, sha256 } from './closure-links.rules';
import type { ClosureLinkRow, ClosureLinksRepository } from './closure-links.repository';
import { canManageClosures } from './closures.access';
import type { ClosureRow, ClosuresRepository, ClosureStep } from './closures.repository';
import { availableUntilInstant } from './closures.rules';

const logger = createLogger('closure-links');
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** The path under the archive route that names a closure's link: `/closure/<association>/<token>`. */
const CLOSURE_PATH = /^\/closure\/([^/]+)\/([^/]+)$/;

/** A closure as its operator sees it, with its steps and links. */
export interface ClosureView extends ClosureRow {
  steps: ClosureStep[];
  links: ClosureLinkRow[];
}

/** A link just issued: the only time its URL and access code exist outside the person's hands. */
export interface IssuedLink {
  link: ClosureLinkRow;
  url: string;
  accessCode: string;
}

/**
 * The operator's side of a terminated association's end (docs/decisions/0037) and the protected download: operators
 * follow each closure and read its written deletion receipt, and issue the link through which the association
 * downloads its export while it is kept. The page behind the link asks for the access code; five wrong codes lock it.
 */
export class ClosureLinksService {
  constructor(
    private readonly links: ClosureLinksRepository,
    private readonly closures: ClosuresRepository,
    private readonly storage: FileStorage,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** The association's closure, or null when its agreement has not ended; operators only. */
  async closure(viewer: Viewer | null, associationId: string): Promise<ClosureView | null> {
    this.authorize(viewer);
    if (!UUID.test(associationId)) throw badUserInput('associationId', 'associationId is not an association id.');
    const closure = await this.closures.find(associationId);
    if (!closure) return null;
    const [exportSteps, eraseSteps, links] = await Promise.all([
      this.closures.steps(associationId, 'export'),
      this.closures.steps(associationId, 'erase'),
      this.links.list(associationId),
    ]);
    return { ...closure, steps: [...exportSteps, ...eraseSteps], links };
  }

  /**
   * A new link for a ready export, valid seven days but never past the export's last day; it ends the links before
   * it. CONFLICT while the export is being built or once its time is over.
   */
  async issue(viewer: Viewer | null, origin: string | null | undefined, associationId: string): Promise<IssuedLink> {
    const operator = this.authorize(viewer);
    if (!UUID.test(associationId)) throw badUserInput('associationId', 'associationId is not an association id.');
    const closure = await this.closures.find(associationId);
    if (!closure) throw notFound("The association's closure");
    const now = this.now();
    const availableUntil = availableUntilInstant(closure.availableUntil, closure.timeZone);
    if (closure.status === 'exporting') throw conflict(`The export is not ready yet; it is due by ${closure.exportDueOn}.`);
    const over = () => conflict('The export is no longer available: its three months are over.');
    if (closure.status !== 'ready' || availableUntil <= now) throw over();
    const secrets = newLinkSecrets();
    const link = await this.links.issue({
      associationId,
      id: randomUUID(),
      tokenHash: secrets.tokenHash,
      codeHash: secrets.codeHash,
      issuedBy: operator.accountId,
      issuedAt: now,
      expiresAt: linkExpiry(now, availableUntil),
    });
    // The closures job started deleting the export since it was read above.
    if (!link) throw over();
    // Who handed the association's data to whom is the provider's record; the token and code never reach a log.
    logger.info({ associationId, linkId: link.id, operator: operator.accountId, expiresAt: link.expiresAt }, 'closure export link issued');
    return { link, url: `${origin ?? ''}/${ARCHIVE_ROUTE}/closure/${associationId}/${secrets.token}`, accessCode: secrets.code };
  }

  /** `GET /privacy-archives/closure/<association>/<token>`: the page asking for the code, or why the link cannot be used. */
  async page(request: PublicRequest): Promise<PublicResponse> {
    const target = parsePath(request.path);
    if (!target) return page(404, 'invalid');
    const link = await this.links.byToken(target.associationId, target.tokenHash);
    if (!link) return page(404, 'invalid');
    const refusal = await this.refusal(link, target.associationId);
    return refusal ?? page(200, 'ask');
  }

  /** `POST` of the page's form: the archive for the right code, else the page again with what went wrong. */
  async download(request: PublicPostRequest): Promise<PublicResponse> {
    const target = parsePath(request.path);
    if (!target) return page(404, 'invalid');
    const link = await this.links.byToken(target.associationId, target.tokenHash);
    if (!link) return page(404, 'invalid');
    const refusal = await this.refusal(link, target.associationId);
    if (refusal) return refusal;
    const code = request.contentType?.toLowerCase().startsWith('application/x-www-form-urlencoded') ? new URLSearchParams(request.body).get('code') : null;
    if (!code || code.length > 20) return page(400, 'bad_request');
    const attempt = await this.links.attempt(target.associationId, target.tokenHash, sha256(normalizeCode(code)), this.now(), MAX_FAILED_ATTEMPTS);
    if (attempt.outcome === 'closed') {
      // Locked, expired or replaced between the read above and the attempt.
      const current = await this.links.byToken(target.associationId, target.tokenHash);
      return (current && (await this.refusal(current, target.associationId))) ?? page(410, 'expired');
    }
    if (attempt.outcome === 'wrong') {
      const left = MAX_FAILED_ATTEMPTS - attempt.failedAttempts;
      if (left === 0) logger.warn({ associationId: target.associationId, linkId: link.id }, 'closure export link locked after wrong codes');
      return left > 0 ? page(403, 'wrong_code', left) : page(403, 'locked');
    }
    const closure = await this.closures.find(target.associationId);
    const body = closure?.status === 'ready' && closure.archiveKey ? await this.storage.get(closure.archiveKey) : null;
    if (!body) return page(410, 'gone');
    await this.links.recordDownload(target.associationId, link.id, this.now());
    logger.info({ associationId: target.associationId, linkId: link.id, sizeBytes: body.length }, 'closure export downloaded');
    return {
      contentType: 'application/zip',
      body,
      headers: {
        'content-disposition': `attachment; filename="tunet-association-export-${closure!.terminatedOn}.zip"`,
        'cache-control': 'private, no-store',
        'referrer-policy': 'no-referrer',
      },
    };
  }

  private authorize(viewer: Viewer | null): Viewer {
    if (!viewer) throw unauthenticated();
    if (!canManageClosures(viewer)) throw forbidden("A terminated association's closure is for the provider's operators, outside any support session.");
    return viewer;
  }

  /** Why a stored link cannot be used now (its own state, or the export's), or null when the code may be tried. */
  private async refusal(link: ClosureLinkRow, associationId: string): Promise<PublicResponse | null> {
    const now = this.now();
    const closure = await this.closures.find(associationId);
    if (!closure || closure.status !== 'ready' || availableUntilInstant(closure.availableUntil, closure.timeZone) <= now) return page(410, 'gone');
    const state = linkState(link, now);
    if (state === 'open') return null;
    return page(state === 'locked' ? 403 : 410, state);
  }
}

function parsePath(path: string): { associationId: string; tokenHash: Buffer } | null {
  const [, associationId = '', token = ''] = CLOSURE_PATH.exec(path) ?? [];
  return UUID.test(associationId) && isTokenShaped(token) ? { associationId, tokenHash: sha256(token) } : null;
}

/** Whether a public archive request is for a closure's link rather than a person's signed download. */
export const isClosurePath = (path: string): boolean => path.startsWith('/closure/');

function page(status: number, kind: ClosureLinkPage, attemptsLeft?: number): PublicResponse {
  return {
    status,
    contentType: 'text/html; charset=utf-8',
    body: closureLinkPage(kind, attemptsLeft),
    headers: {
      // The page's own form posts back here; nothing else may load, run or frame it.
      'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
      'cache-control': 'no-store',
      // The token is in the URL: no link may carry it on in a Referer.
      'referrer-policy': 'no-referrer',
    },
  };
}
