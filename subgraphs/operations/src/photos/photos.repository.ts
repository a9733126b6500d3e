import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { urlSigningKey, type SubgraphDatabase } from '@tunet/kit';
import { serviceRequests } from '../tables';
import type { ServiceRequestRow } from '../service-requests/service-requests.repository';
import type { PhotoSide } from './photos.rules';
import { serviceRequestPhotos } from './photos.tables';

export type PhotoRow = typeof serviceRequestPhotos.$inferSelect;
export type NewPhoto = Omit<PhotoRow, 'associationId'>;

const SIGNING_KEY = 'photo-downloads';

/** The only SQL of photos. Every call names its tenant, or says why not. */
export class PhotosRepository {
  constructor(private readonly db: SubgraphDatabase) {}

  /** The deployment's photo-link signing key, created by whichever process asks first (system scope: no tenant's). */
  signingKey(): Promise<Buffer> {
    return urlSigningKey(this.db, SIGNING_KEY);
  }

  /**
   * Inserts the photo if `admit` lets it, in one transaction under the request's row lock, so two uploads at once
   * cannot both count the sixth place. `admit` gets the request as locked and its photos counted per side (the
   * reporter's, everyone else's), and throws to refuse or stores the bytes (before the row, so a row never names
   * bytes that are not there). Null when the request is gone.
   */
  insert(
    associationId: string,
    photo: NewPhoto,
    admit: (request: ServiceRequestRow, photos: Record<PhotoSide, number>) => Promise<void>,
  ): Promise<PhotoRow | null> {
    return this.db.tenant(associationId, async (tx) => {
      const [request] = await tx
        .select()
        .from(serviceRequests)
        .where(and(eq(serviceRequests.associationId, associationId), eq(serviceRequests.id, photo.requestId)))
        .for('update');
      if (!request) return null;
      const p = serviceRequestPhotos;
      const [counted] = await tx
        .select({
          reporter: sql<number>`count(*) filter (where ${p.uploadedByMemberId} = ${request.reporterMemberId}::uuid)`.mapWith(Number),
          handlers: sql<number>`count(*) filter (where ${p.uploadedByMemberId} <> ${request.reporterMemberId}::uuid)`.mapWith(Number),
        })
        .from(p)
        .where(and(eq(p.associationId, associationId), eq(p.requestId, photo.requestId)));
      await admit(request, counted ?? { reporter: 0, handlers: 0 });
      const [row] = await tx
        .insert(serviceRequestPhotos)
        .values({ ...photo, associationId })
        .returning();
      return row!;
    });
  }

  /** The photos of a batch of requests, each request's oldest first. */
  byRequests(associationId: string, requestIds: readonly string[]): Promise<PhotoRow[]> {
    return this.db.tenant(associationId, (tx) =>
      tx
        .select()
        .from(serviceRequestPhotos)
        .where(and(eq(serviceRequestPhotos.associationId, associationId), inArray(serviceRequestPhotos.requestId, [...requestIds])))
        .orderBy(asc(serviceRequestPhotos.requestId), asc(serviceRequestPhotos.createdAt), asc(serviceRequestPhotos.id)),
    );
  }

  async find(associationId: string, id: string): Promise<PhotoRow | null> {
    const [row] = await this.db.tenant(associationId, (tx) =>
      tx
        .select()
        .from(serviceRequestPhotos)
        .where(and(eq(serviceRequestPhotos.associationId, associationId), eq(serviceRequestPhotos.id, id))),
    );
    return row ?? null;
  }

  /** Deletes the photo; the deleted row, or null when it was gone already. */
  async delete(associationId: string, id: string): Promise<PhotoRow | null> {
    const [row] = await this.db.tenant(associationId, (tx) =>
      tx
        .delete(serviceRequestPhotos)
        .where(and(eq(serviceRequestPhotos.associationId, associationId), eq(serviceRequestPhotos.id, id)))
        .returning(),
    );
    return row ?? null;
  }

  /**
   * For the download route, whose signed link names only the photo: system scope, because the route has no viewer
   * and the signature (checked before this is called) is the whole authorisation.
   */
  async findForDownload(id: string): Promise<PhotoRow | null> {
    const [row] = await this.db.system((tx) => tx.select().from(serviceRequestPhotos).where(eq(serviceRequestPhotos.id, id)));
    return row ?? null;
  }
}
