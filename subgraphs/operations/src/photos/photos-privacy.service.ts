import { InternalBinaryAnswer, InternalRouteError, type ExportedFile } from '@tunet/kit';
import type { PhotoRow } from './photos.repository';
import type { PhotosPrivacyRepository } from './photos-privacy.repository';
import type { PhotosService } from './photos.service';

/** The catalogue's name of the photos table (privacy/personal-data.ts). */
export const PHOTOS_TABLE = 'service_request_photos';

export interface PhotosExport {
  rows: Record<string, unknown>[];
  files: ExportedFile[];
}

/**
 * Photos in operations' privacy contract (decision 0041, addendum "photos"): an export lists the photos and hands out
 * their bytes through the export-file routes; an erasure follows the request's text: the photos a member added stay
 * with the tombstone when the association keeps what people post, else their rows and bytes are deleted. Bytes go
 * after their rows, so a failure leaves unreachable bytes at worst, never a row without them; a retry finds the
 * rows gone.
 */
export class PhotosPrivacy {
  constructor(
    private readonly repository: PhotosPrivacyRepository,
    private readonly photos: Pick<PhotosService, 'deleteBytes' | 'originalBytes'>,
  ) {}

  async exportOf(associationId: string, memberId: string | null): Promise<PhotosExport> {
    const photos = await this.repository.photos(associationId, memberId);
    return {
      rows: photos.map((photo) => ({
        id: photo.id,
        request_id: photo.requestId,
        uploaded_by_member_id: photo.uploadedByMemberId,
        file_name: photo.fileName,
        content_type: photo.contentType,
        size_bytes: photo.sizeBytes,
        created_at: photo.createdAt.toISOString(),
      })),
      files: photos.map((photo) => ({ fileId: photo.id, name: photo.fileName, contentType: photo.contentType, sizeBytes: photo.sizeBytes })),
    };
  }

  /** The stored photo's bytes: one the member added (memberId) or any of the association's (null). */
  async file(associationId: string, memberId: string | null, photoId: string): Promise<InternalBinaryAnswer> {
    const photo = await this.repository.photo(associationId, memberId, photoId);
    const bytes = photo ? await this.photos.originalBytes(photo) : null;
    if (!photo || !bytes) throw new InternalRouteError(404, 'No such photo.');
    return new InternalBinaryAnswer(bytes, photo.contentType);
  }

  /** The rows erased or reattributed. */
  async eraseMember(associationId: string, memberId: string, tombstoneMemberId: string, keepContent: boolean): Promise<number> {
    if (keepContent) return (await this.repository.reattribute(associationId, memberId, tombstoneMemberId)).length;
    return this.deleted(await this.repository.delete(associationId, memberId));
  }

  /** Before the requests go (their photos' rows would go with them by cascade, leaving the bytes). */
  async eraseAssociation(associationId: string): Promise<number> {
    return this.deleted(await this.repository.delete(associationId, null));
  }

  private async deleted(rows: PhotoRow[]): Promise<number> {
    await this.photos.deleteBytes(rows);
    return rows.length;
  }
}
