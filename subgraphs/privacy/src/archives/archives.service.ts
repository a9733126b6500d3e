import {
  createLogger,
  PeriodicJob,
  PublicRouteError,
  type BackgroundJob,
  type FileStorage,
  type PublicRequest,
  type PublicResponse,
  type Tx,
  type Viewer,
} from '@tunet/kit';
import { ArchiveLinkSigner } from './archive-links';
import type { ArchiveContext } from './archive-summary.rules';
import { canDownloadArchive, canSeeArchive } from './archives.access';
import type { ArchiveRow, ArchivesRepository } from './archives.repository';
import { ExportArchiver, type ArchiveInput } from './export-archiver';

/** How long a built archive may be downloaded; then the expiry job deletes it (the person can ask again). */
export const ARCHIVE_LIFETIME_DAYS = 7;
const EXPIRY_BATCH = 100;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** What the person sees of a ready archive; the board sees it without the link (url and expiresAt null). */
export interface ArchiveDownload {
  url: string | null;
  expiresAt: Date | null;
  sizeBytes: number;
  archiveExpiresAt: Date;
}

/** Export archives: building and recording them, handing out download links, serving and expiring them. */
export class ArchivesService {
  readonly archiver: ExportArchiver;
  private readonly links: ArchiveLinkSigner;

  constructor(
    private readonly repository: ArchivesRepository,
    private readonly storage: FileStorage,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.archiver = new ExportArchiver(storage, (associationId) => this.contextOf(associationId), now);
    this.links = new ArchiveLinkSigner(
      () => repository.signingKey(),
      () => now().getTime(),
    );
  }

  /**
   * Builds the archive of an export request whose every subgraph answered, then records it with
   * `privacy.export_ready` in one transaction of the association, together with `complete` (the request's own
   * completion), so the person is told exactly when the archive is there. The bytes are stored first: a row never
   * names an archive that is not there.
   */
  async publish(
    input: ArchiveInput & { memberId: string; requestedBy: string | null },
    complete: (tx: Tx) => Promise<void> = async () => {},
  ): Promise<ArchiveRow> {
    const built = await this.archiver.build(input);
    const readyAt = this.now();
    const archive: ArchiveRow = {
      associationId: input.associationId,
      requestId: input.requestId,
      memberId: input.memberId,
      requestedBy: input.requestedBy,
      storageKey: built.archiveKey,
      sizeBytes: built.sizeBytes,
      readyAt,
      expiresAt: new Date(readyAt.getTime() + ARCHIVE_LIFETIME_DAYS * 86_400_000),
    };
    await this.repository.record(archive, complete);
    return archive;
  }

  /**
   * The request's archive: with a fresh download link for the person, without one for their association's board;
   * null for anyone else, and while there is no archive (not built yet, or expired).
   */
  async download(viewer: Viewer | null, origin: string | null | undefined, associationId: string, requestId: string): Promise<ArchiveDownload | null> {
    const archive = await this.repository.find(associationId, requestId);
    if (!archive || !canSeeArchive(viewer, archive) || archive.expiresAt <= this.now()) return null;
    const seen = { sizeBytes: archive.sizeBytes, archiveExpiresAt: archive.expiresAt };
    if (!canDownloadArchive(viewer, archive)) return { url: null, expiresAt: null, ...seen };
    const link = await this.links.sign(origin, associationId, requestId);
    return { url: link.url, expiresAt: link.expiresAt, ...seen };
  }

  /** The public route: `/<association>/<request>?exp&sig`; 403 forged, 410 expired (link or archive), 404 gone. */
  async serve(request: PublicRequest): Promise<PublicResponse> {
    const [, associationId = '', requestId = '', ...rest] = request.path.split('/');
    const ids = rest.length === 0 && UUID.test(associationId) && UUID.test(requestId);
    const verdict = ids ? await this.links.verify(associationId, requestId, request.query.exp, request.query.sig) : 'forged';
    if (verdict === 'forged') throw new PublicRouteError(403, 'Lenken er ikke gyldig. / This link is not valid.');
    if (verdict === 'expired')
      throw new PublicRouteError(410, 'Lenken er utløpt; åpne forespørselen i Tunet igjen. / This link has expired; open the request in Tunet again.');
    const archive = await this.repository.find(associationId, requestId);
    if (!archive || archive.expiresAt <= this.now()) throw new PublicRouteError(410, 'Arkivet er slettet. / The archive has been deleted.');
    const body = await this.storage.get(archive.storageKey);
    if (!body) throw new PublicRouteError(404, 'Arkivet finnes ikke lenger. / The archive no longer exists.');
    const day = archive.readyAt.toISOString().slice(0, 10);
    return {
      contentType: 'application/zip',
      body,
      headers: {
        'content-disposition': `attachment; filename="tunet-export-${day}.zip"`,
        // Personal data: no shared cache, and the browser keeps it no longer than the link lives.
        'cache-control': 'private, no-store',
      },
    };
  }

  /** The expiry job: every 10 minutes, so an archive outlives its day by at most that. */
  expiryJob(intervalMs = 10 * 60_000): BackgroundJob {
    return new PeriodicJob('archive-expiry', intervalMs, () => this.expire(), createLogger('archive-expiry'));
  }

  /** Deletes archives whose time is up, rows then bytes. True when more may be waiting. */
  async expire(): Promise<boolean> {
    const expired = await this.repository.expire(this.now(), EXPIRY_BATCH);
    for (const archive of expired) await this.storage.delete(archive.storageKey);
    return expired.length === EXPIRY_BATCH;
  }

  /**
   * The summary's facts beyond the receipts: the privacy contact, the association's purposes register (decision
   * 0038) and the sub-processors in force (decision 0040). Times are shown in Europe/Oslo: the association's own zone
   * is members' to tell, and privacy keeps none.
   */
  private async contextOf(associationId: string): Promise<ArchiveContext> {
    const [privacyContact, purposes, subProcessors] = await Promise.all([
      this.repository.privacyContactOf(associationId),
      this.repository.purposesOf(associationId),
      this.repository.subProcessorsOn(this.now()),
    ]);
    return { associationName: null, timeZone: 'Europe/Oslo', privacyContact, purposes, subProcessors };
  }
}
