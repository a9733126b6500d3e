import { randomUUID } from 'node:crypto';
import {
  conflict,
  contentDisposition,
  forbidden,
  groupLoader,
  isMember,
  isUuid,
  notFound,
  parseInput,
  processImage,
  PublicRouteError,
  RateLimit,
  rateLimited,
  sanitiseFileName,
  badUserInput,
  type FastStore,
  type FileStorage,
  type ImageVariant,
  type PublicRequest,
  type PublicResponse,
  type RequestContext,
  type UrlSigner,
} from '@tunet/kit';
import { z } from 'zod';
import type { ServiceRequestRow } from '../service-requests/service-requests.repository';
import { admittedAssociation, type ServiceRequestsService } from '../service-requests/service-requests.service';
import { canRemovePhoto, mayAddPhotos, takesPhotosFrom } from './photos.access';
import type { PhotoRow, PhotosRepository } from './photos.repository';
import { decodePhoto, MAX_PHOTOS_PER_SIDE, photoSide, photoTypeOf, PHOTOS_PER_HOUR } from './photos.rules';

/** The stored variants of a photo: the re-encoded original (`url`) and a thumbnail for lists (`thumbnailUrl`). */
export const PHOTO_VARIANTS = ['original', 'thumbnail'] as const satisfies readonly ImageVariant[];
type PhotoVariant = (typeof PHOTO_VARIANTS)[number];

const addPhotoInput = z.object({
  requestId: z.string(),
  // Long names are shortened rather than refused; this only bounds the work.
  fileName: z.string().max(1_000),
  contentBase64: z.string(),
});

export function photoKey(photo: { associationId: string; id: string }, variant: PhotoVariant): string {
  return `${photo.associationId}/${photo.id}/${variant}`;
}

/** A photo as a viewer reads it: `uploadedBy` only for those who see who reported the request. */
export type PhotoView = PhotoRow & { uploadedBy: { id: string } | null };

// Per request (the context object every resolver of one request shares), so a page of requests costs one query.
const loadersOf = new WeakMap<object, ReturnType<typeof groupLoader<PhotoRow>>>();

/**
 * Photos on service requests (decision 0041, addendum "photos"): sniffed by their bytes, re-encoded without EXIF or
 * GPS, stored with the kit's file storage, shown through short-lived signed links on the gateway's
 * `/operations-files/` prefix to whoever sees the request.
 */
export class PhotosService {
  private readonly perHour: RateLimit;

  constructor(
    private readonly repository: PhotosRepository,
    private readonly serviceRequests: ServiceRequestsService,
    private readonly storage: FileStorage,
    private readonly signer: UrlSigner,
    store: FastStore,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.perHour = new RateLimit(store, { name: 'operations:photos', points: PHOTOS_PER_HOUR, windowSeconds: 3600, blockSeconds: 3600 });
  }

  /**
   * Adds a photo: the reporter while the request is open, the board and the assignee until it is closed or rejected
   * (CONFLICT after). NOT_FOUND for a request the viewer does not see. The bytes are stored before the row, under the
   * request's lock, and deleted again when the row is not written, so no bytes outlive a failed upload.
   */
  async add(request: RequestContext, rawInput: unknown): Promise<PhotoView> {
    admittedAssociation(request);
    const input = parseInput(addPhotoInput, rawInput);
    const row = await this.serviceRequests.get(request, input.requestId);
    const viewer = request.viewer;
    if (!mayAddPhotos(viewer, row)) throw forbidden('Only the reporter, the board and the assignee add photos to a request.');
    // Before the decoding and re-encoding this limit protects.
    const taken = await this.perHour.take(`${row.associationId}:${viewer!.memberId!}`);
    if (!taken.taken) throw rateLimited(taken.secondsBlocked);
    const bytes = decodePhoto(input.contentBase64);
    const contentType = photoTypeOf(bytes, input.fileName);
    const image = await processImage(bytes, contentType);
    if (!image) throw badUserInput('contentBase64', 'contentBase64: the photo could not be read; it may be damaged.');
    const photo = {
      id: randomUUID(),
      requestId: row.id,
      uploadedByMemberId: viewer!.memberId!,
      fileName: sanitiseFileName(input.fileName, contentType),
      contentType,
      sizeBytes: image.variants.original.length,
      width: image.width,
      height: image.height,
      createdAt: this.now(),
    };
    const stored: string[] = [];
    try {
      const added = await this.repository.insert(row.associationId, photo, async (locked, photos) => {
        if (!takesPhotosFrom(viewer, locked)) throw conflict(`The request is ${locked.status.replace('_', ' ')} and takes no more photos from you.`);
        const side = photoSide(photo.uploadedByMemberId, locked);
        if (photos[side] >= MAX_PHOTOS_PER_SIDE) {
          throw conflict(
            side === 'reporter'
              ? `The reporter adds at most ${MAX_PHOTOS_PER_SIDE} photos to a request; remove one first.`
              : `The board and the assignee add at most ${MAX_PHOTOS_PER_SIDE} photos to a request; remove one first.`,
          );
        }
        for (const variant of PHOTO_VARIANTS) {
          const key = photoKey({ associationId: row.associationId, id: photo.id }, variant);
          stored.push(key);
          await this.storage.put(key, image.variants[variant], contentType);
        }
      });
      if (!added) throw notFound('Service request');
      loadersOf.get(request)?.clear(row.id);
      return { ...added, uploadedBy: { id: added.uploadedByMemberId } };
    } catch (error) {
      await Promise.allSettled(stored.map((key) => this.storage.delete(key)));
      throw error;
    }
  }

  /** Removes a photo: whoever added it, or the board. The row goes first, then the bytes, so no row names bytes that are gone. */
  async remove(request: RequestContext, photoId: string): Promise<ServiceRequestRow> {
    const associationId = admittedAssociation(request);
    if (!isMember(request.viewer) || request.viewer.integration) throw forbidden('Only members of the association remove photos.');
    const photo = isUuid(photoId) ? await this.repository.find(associationId, photoId) : null;
    if (!photo) throw notFound('Photo');
    // NOT_FOUND too for a photo of a request the viewer does not see.
    const row = await this.serviceRequests.get(request, photo.requestId).catch((error: unknown) => {
      throw (error as { extensions?: { code?: string } }).extensions?.code === 'NOT_FOUND' ? notFound('Photo') : error;
    });
    if (!canRemovePhoto(request.viewer, row, photo)) throw forbidden('Only whoever added a photo, or the board, removes it.');
    const deleted = await this.repository.delete(associationId, photo.id);
    if (deleted) await this.deleteBytes([deleted]);
    loadersOf.get(request)?.clear(row.id);
    return row;
  }

  /** The request's photos, oldest first, for a viewer who already sees the request: one query per page of requests. */
  async photosOf(request: RequestContext, row: ServiceRequestRow): Promise<PhotoView[]> {
    let loader = loadersOf.get(request);
    if (!loader) {
      loader = groupLoader(
        request.viewer,
        (tenant, ids) => this.repository.byRequests(tenant, ids),
        (photo) => photo.requestId,
      );
      loadersOf.set(request, loader);
    }
    const details = this.serviceRequests.seesDetails(request.viewer, row);
    return (await loader.load(row.id)).map((photo) => ({ ...photo, uploadedBy: details ? { id: photo.uploadedByMemberId } : null }));
  }

  /** A signed link that works until the hour after next at the latest (decision 0047), through the gateway the viewer called. */
  url(request: RequestContext, photo: PhotoRow, variant: PhotoVariant): Promise<string> {
    return this.signer.sign(request.publicOrigin, photo.id, variant);
  }

  /**
   * GET /operations-files/<photo>/<variant>?exp=…&sig=…, opened without an access token: the signature and expiry
   * are the whole authorisation. 403 for a forged link, 410 for an expired one, 404 once the photo is gone.
   */
  async download(request: PublicRequest): Promise<PublicResponse> {
    const [, id = '', variant = '', ...rest] = request.path.split('/');
    const verdict = rest.length === 0 ? await this.signer.verify(id, variant, request.query.exp, request.query.sig) : 'forged';
    if (verdict === 'forged') throw new PublicRouteError(403, 'This link is not valid.');
    if (verdict === 'expired') throw new PublicRouteError(410, 'This link has expired. Open the request again in Tunet.');
    const photo = isUuid(id) ? await this.repository.findForDownload(id) : null;
    const known = PHOTO_VARIANTS.find((v) => v === variant);
    const body = photo && known ? await this.storage.get(photoKey(photo, known)) : null;
    if (!photo || !body) throw new PublicRouteError(404, 'The photo no longer exists.');
    return {
      contentType: photo.contentType,
      body,
      headers: { 'content-disposition': contentDisposition(photo.fileName, true), ...this.signer.cacheHeaders(id, variant, request.query.exp!) },
    };
  }

  /** The stored original of a photo (for a privacy export), or null when its bytes are gone. */
  originalBytes(photo: { associationId: string; id: string }): Promise<Buffer | null> {
    return this.storage.get(photoKey(photo, 'original'));
  }

  /** Deletes the stored variants of photos whose rows are gone (removal, erasure). */
  async deleteBytes(photos: readonly { associationId: string; id: string }[]): Promise<void> {
    for (const photo of photos) for (const variant of PHOTO_VARIANTS) await this.storage.delete(photoKey(photo, variant));
  }
}
