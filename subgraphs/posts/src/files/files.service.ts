import { randomUUID } from 'node:crypto';
import {
  admitMember,
  badUserInput,
  contentDisposition,
  fail,
  forbidden,
  hasFeature,
  isImageType,
  isUuid,
  notFound,
  parseInput,
  processImage,
  PublicRouteError,
  sanitiseFileName,
  sniffContentType,
  type FileStorage,
  type ImageVariant,
  type PublicRequest,
  type PublicResponse,
  type RequestContext,
  type UrlSigner,
  type Viewer,
} from '@tunet/kit';
import { z } from 'zod';
import type { DocumentsLoaders } from '../documents/documents.loaders';
import type { PostsLoaders } from '../posts/posts.loaders';
import type { PostRow } from '../posts/posts.repository';
import { processingRestricted } from '../posts/posts.service';
import { NO_RESTRICTIONS, type Restrictions } from '../privacy/restrictions';
import { canChangeFileSettings, canDownloadFile, canReadFileSettings, canReadStorageUsage, canUploadFile, canUseUpload } from './files.access';
import type { FilesLoaders } from './files.loaders';
import type { FileRow, FilesRepository } from './files.repository';
import { EXTRA_STORAGE, fitsStorage, storageLimitBytes } from './storage-quota.rules';

const MIB = 1024 * 1024;
/** The upload limit of an association whose board never set one. */
export const DEFAULT_MAX_FILE_BYTES = 10 * MIB;
/** The board's choice is bounded: below 1 MiB no phone photo fits; above 14 MiB the base64 outgrows the gateway's 20 MB body. */
export const MIN_MAX_FILE_BYTES = MIB;
export const MAX_MAX_FILE_BYTES = 14 * MIB;
export const MAX_ATTACHMENTS = 10;
/** How long an upload may wait to be attached or become a document version before the purge job deletes it. */
export const UNATTACHED_LIFETIME_MS = 24 * 3600 * 1000;
const PURGE_BATCH = 100;
const MEASURE_BATCH = 50;

/** What the service needs of a request: who asks, where they called from, what the association is entitled to, and the request's loaders. */
export interface FilesRequest extends Pick<RequestContext, 'entitlements'> {
  viewer: Viewer | null;
  publicOrigin?: string | null;
  loaders: PostsLoaders;
  fileLoaders: FilesLoaders;
  documentLoaders: DocumentsLoaders;
}

export interface FileSettings {
  maxFileBytes: number;
}

/** What the association's files take up in storage, every image variant counted, and how much it may store. */
export interface StorageUsage {
  usedBytes: number;
  limitBytes: number;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

const uploadFileInput = z.object({
  // Long names are shortened rather than refused; this only bounds the work.
  fileName: z.string().max(1_000),
  contentBase64: z.string(),
});
const setPostAttachmentsInput = z.object({
  postId: z.string(),
  fileIds: z
    .array(z.guid())
    .max(MAX_ATTACHMENTS)
    .refine((ids) => new Set(ids).size === ids.length, 'a file can be attached once'),
});
const updateFileSettingsInput = z.object({
  maxFileBytes: z.number().int().min(MIN_MAX_FILE_BYTES).max(MAX_MAX_FILE_BYTES),
});

/** Business rules for uploads, attachments, signed downloads and the purge of unused uploads. */
export class FilesService {
  constructor(
    private readonly repository: FilesRepository,
    private readonly storage: FileStorage,
    private readonly signer: UrlSigner,
    private readonly restrictions: Restrictions = NO_RESTRICTIONS,
  ) {}

  async settings(request: FilesRequest): Promise<FileSettings> {
    const member = admitMember(request.viewer, canReadFileSettings);
    return { maxFileBytes: (await this.repository.maxFileBytes(member.associationId)) ?? DEFAULT_MAX_FILE_BYTES };
  }

  async updateSettings(request: FilesRequest, rawInput: unknown): Promise<FileSettings> {
    const board = admitMember(request.viewer, canChangeFileSettings);
    const input = parseInput(updateFileSettingsInput, rawInput);
    await this.repository.setMaxFileBytes(board.associationId, input.maxFileBytes, board.memberId);
    return { maxFileBytes: input.maxFileBytes };
  }

  async storageUsage(request: FilesRequest, associationId: string): Promise<StorageUsage> {
    if (!canReadStorageUsage(request.viewer, associationId)) throw forbidden("Only the association's board sees its storage usage.");
    return { usedBytes: await this.repository.storedBytes(associationId), limitBytes: storageLimitBytes(request.entitlements, associationId) };
  }

  /**
   * Stores an upload for the viewer to attach or make a document version. The type comes from the bytes; images
   * are re-encoded without metadata and get display and thumbnail variants. A file that would take the
   * association's storage (every variant counted) over its limit is refused before anything is stored. The
   * objects are stored before the row, so a row never names bytes that are not there.
   */
  async upload(request: FilesRequest, rawInput: unknown): Promise<FileRow> {
    const uploader = admitMember(request.viewer, canUploadFile);
    const input = parseInput(uploadFileInput, rawInput);
    const { maxFileBytes } = await this.settings(request);
    const bytes = decodeBase64(input.contentBase64, maxFileBytes);
    const contentType = sniffContentType(bytes, input.fileName);
    if (!contentType) {
      throw badUserInput(
        'contentBase64',
        'contentBase64: only images (JPEG, PNG, WebP, GIF), PDF, plain text or CSV, and Word, Excel, PowerPoint or OpenDocument files can be uploaded.',
      );
    }
    const tenant = uploader.associationId;
    const id = randomUUID();
    const prepared = await prepareObjects(bytes, contentType);
    const storedBytes = prepared.objects.reduce((sum, [, body]) => sum + body.length, 0);
    const limitBytes = storageLimitBytes(request.entitlements, tenant);
    const file = {
      id,
      uploadedByMemberId: uploader.memberId,
      fileName: sanitiseFileName(input.fileName, contentType),
      contentType,
      sizeBytes: prepared.objects[0][1].length,
      storedBytes,
      width: prepared.width,
      height: prepared.height,
    };
    return this.repository.insertFile(tenant, file, async (usedBytes) => {
      if (!fitsStorage(usedBytes, storedBytes, limitBytes)) throw storageFull(usedBytes, limitBytes, storedBytes, !hasFeature(request, tenant, EXTRA_STORAGE));
      for (const [variant, body] of prepared.objects) await this.storage.put(storageKey({ associationId: tenant, id }, variant), body, contentType);
    });
  }

  /** Replaces the post's attachments with `fileIds`, in that order. Only the post's author may. */
  async setPostAttachments(request: FilesRequest, rawInput: unknown): Promise<PostRow> {
    const author = admitMember(request.viewer, canUploadFile);
    const input = parseInput(setPostAttachmentsInput, rawInput);
    const post = await request.loaders.postById.load(input.postId);
    if (!post) throw notFound('Post');
    if (post.authorMemberId !== author.memberId) throw forbidden("Only the post's author can change its attachments.");
    if (!post.withheld && (await this.restrictions.isRestricted(author.associationId, author.memberId))) throw processingRestricted();
    await this.repository.setPostAttachments(author.associationId, post.id, input.fileIds, (requested) => {
      const unusable = requested.findIndex((file) => !file || !canUseUpload(author, file, post.id));
      if (unusable >= 0) {
        throw badUserInput(`fileIds.${unusable}`, `fileIds.${unusable}: not a file you uploaded that is free to attach; upload it first.`);
      }
    });
    request.fileLoaders.attachmentsByPost.clear(post.id);
    return post;
  }

  /**
   * A signed link to one variant of the file, for a viewer who may see it; null for a variant the file does not
   * have (only images have display and thumbnail variants).
   */
  async url(request: FilesRequest, file: FileRow, variant: ImageVariant): Promise<string | null> {
    if (variant !== 'original' && file.width === null) return null;
    if (!canDownloadFile(request.viewer, file, await this.placeVisible(request, file))) throw forbidden();
    // Only images are kept by caches from screen to screen; a PDF's link keeps the short lifetime (0047 review fix 4).
    return this.signer.sign(request.publicOrigin, file.id, variant, { image: file.width !== null });
  }

  /**
   * Signed display links to those of the post's attached images that its body shows (`fileIds`), so that the body
   * shows nothing but its own attachments (posts.markdown.ts, decision 0020).
   */
  async inlineImages(request: FilesRequest, postId: string, fileIds: readonly string[]): Promise<Map<string, string>> {
    if (fileIds.length === 0) return new Map();
    const attached = await request.fileLoaders.attachmentsByPost.load(postId);
    const shown = attached.filter((file) => file.width !== null && fileIds.includes(file.id));
    return new Map(await Promise.all(shown.map(async (file) => [file.id, (await this.url(request, file, 'display'))!] as const)));
  }

  /**
   * GET /files/<id>/<variant>?exp=…&sig=…, opened without an access token: the signature and expiry are the whole
   * authorisation (the link was only handed to a viewer who may see the file). 403 for a forged link, 410 for an
   * expired one, 404 once the file is gone.
   */
  async download(request: PublicRequest): Promise<PublicResponse> {
    const [, id = '', variant = '', ...rest] = request.path.split('/');
    const verdict = rest.length === 0 ? await this.signer.verify(id, variant, request.query.exp, request.query.sig) : 'forged';
    if (verdict === 'forged') throw new PublicRouteError(403, 'This link is not valid.');
    if (verdict === 'expired') throw new PublicRouteError(410, 'This link has expired. Open the file again in Tunet.');
    const file = isUuid(id) ? await this.repository.findFileForDownload(id) : null;
    const hasVariant = variant === 'original' || (file?.width != null && (variant === 'display' || variant === 'thumbnail'));
    const body = file && hasVariant ? await this.storage.get(storageKey(file, variant)) : null;
    if (!file || !body) throw new PublicRouteError(404, 'The file no longer exists.');
    const image = isImageType(file.contentType);
    return {
      contentType: file.contentType.startsWith('text/') ? `${file.contentType}; charset=utf-8` : file.contentType,
      body,
      headers: {
        'content-disposition': contentDisposition(file.fileName, image),
        // Only the browser that opened the link may keep it, no longer than the link lives.
        ...this.signer.cacheHeaders(id, variant, request.query.exp!),
      },
    };
  }

  /**
   * Deletes uploads nobody attached within a day: rows first, then their objects, so a crash between the two
   * leaves only unreachable bytes, never a row without them. True when more may be waiting.
   */
  async purgeUnattached(now = new Date()): Promise<boolean> {
    const purged = await this.repository.purgeUnattached(new Date(now.getTime() - UNATTACHED_LIFETIME_MS), PURGE_BATCH);
    for (const file of purged) {
      for (const variant of variantsOf(file)) await this.storage.delete(storageKey(file, variant));
    }
    return purged.length === PURGE_BATCH;
  }

  /**
   * Measures the stored objects of images uploaded before their variants were recorded (migration 0013), a batch at
   * a time; until then they count as an estimate. True when more may be waiting. Replicas may measure the same
   * file at once: both find the same figure.
   */
  async measureUnmeasured(): Promise<boolean> {
    const unmeasured = await this.repository.unmeasuredFiles(MEASURE_BATCH);
    for (const file of unmeasured) {
      let storedBytes = 0;
      for (const variant of variantsOf(file)) storedBytes += (await this.storage.get(storageKey(file, variant)))?.length ?? 0;
      // A missing original still counts as its recorded size, so the figure never falls below File.size.
      await this.repository.setStoredBytes(file.id, Math.max(storedBytes, file.sizeBytes));
    }
    return unmeasured.length === MEASURE_BATCH;
  }

  /** Whether the post or document the file is in is one the viewer sees; loaders apply the audience rules. */
  private async placeVisible(request: FilesRequest, file: FileRow): Promise<boolean> {
    if (file.postId) return (await request.loaders.postById.load(file.postId)) !== null;
    if (file.documentId) return (await request.documentLoaders.documentById.load(file.documentId)) !== null;
    return false;
  }
}

/** The objects to store for an upload, the original first: an image re-encoded in its three sizes, any other file as it came. */
async function prepareObjects(
  bytes: Buffer,
  contentType: string,
): Promise<{ objects: [[ImageVariant, Buffer], ...[ImageVariant, Buffer][]]; width: number | null; height: number | null }> {
  if (!isImageType(contentType)) return { objects: [['original', bytes]], width: null, height: null };
  const image = await processImage(bytes, contentType);
  if (!image) throw badUserInput('contentBase64', 'contentBase64: the image could not be read; it may be damaged.');
  const { original, display, thumbnail } = image.variants;
  return {
    objects: [
      ['original', original],
      ['display', display],
      ['thumbnail', thumbnail],
    ],
    width: image.width,
    height: image.height,
  };
}

/**
 * CONFLICT, not FEATURE_NOT_SUBSCRIBED: uploading is part of the base plan, and the association is at its limit.
 * `feature` names the add-on that would raise it while the association lacks it, so the app can offer it.
 */
function storageFull(usedBytes: number, limitBytes: number, fileBytes: number, canAddStorage: boolean): Error {
  const more = canAddStorage ? ', or the board can add storage with the extraStorage add-on' : '';
  return fail(
    'CONFLICT',
    `contentBase64: the association's storage is full: ${megabytes(usedBytes)} of ${megabytes(limitBytes)} are used and this file needs ` +
      `${megabytes(fileBytes)}. Remove files that are no longer needed${more}.`,
    { field: 'contentBase64', usedBytes, limitBytes, fileBytes, ...(canAddStorage ? { feature: EXTRA_STORAGE } : {}) },
  );
}

/** The bytes of a base64 upload, refused before decoding when they could not fit the limit. */
function decodeBase64(base64: string, maxFileBytes: number): Buffer {
  const compact = base64.replace(/\s+/g, '');
  if (!BASE64.test(compact) || compact.length % 4 === 1) throw badUserInput('contentBase64', 'contentBase64: not valid base64.');
  if (Math.floor((compact.length * 3) / 4) - paddingOf(compact) > maxFileBytes) {
    throw badUserInput('contentBase64', `contentBase64: the file is larger than this association's limit of ${megabytes(maxFileBytes)}.`);
  }
  const bytes = Buffer.from(compact, 'base64');
  if (bytes.length === 0) throw badUserInput('contentBase64', 'contentBase64: the file is empty.');
  return bytes;
}

function paddingOf(base64: string): number {
  return base64.endsWith('==') ? 2 : base64.endsWith('=') ? 1 : 0;
}

function megabytes(bytes: number): string {
  return `${Math.round((bytes / MIB) * 10) / 10} MB`;
}

export function variantsOf(file: Pick<FileRow, 'width'>): ImageVariant[] {
  return file.width === null ? ['original'] : ['original', 'display', 'thumbnail'];
}

export function storageKey(file: { associationId: string; id: string }, variant: ImageVariant): string {
  return `${file.associationId}/${file.id}/${variant}`;
}
