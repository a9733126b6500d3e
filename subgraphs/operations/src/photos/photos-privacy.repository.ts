import { and, asc, eq } from 'drizzle-orm';
import type { SubgraphDatabase } from '@tunet/kit';
import type { PhotoRow } from './photos.repository';
import { serviceRequestPhotos as p } from './photos.tables';

/** The only SQL of photos' part in the privacy contract: a member's or an association's photos, and their erasure. */
export class PhotosPrivacyRepository {
  constructor(private readonly db: SubgraphDatabase) {}

  /** The photos the member added, or (memberId null) every photo of the association, oldest first. */
  photos(associationId: string, memberId: string | null): Promise<PhotoRow[]> {
    return this.db.tenant(associationId, (tx) =>
      tx
        .select()
        .from(p)
        .where(and(eq(p.associationId, associationId), memberId ? eq(p.uploadedByMemberId, memberId) : undefined))
        .orderBy(asc(p.createdAt), asc(p.id)),
    );
  }

  async photo(associationId: string, memberId: string | null, id: string): Promise<PhotoRow | null> {
    const [row] = await this.db.tenant(associationId, (tx) =>
      tx
        .select()
        .from(p)
        .where(and(eq(p.associationId, associationId), eq(p.id, id), memberId ? eq(p.uploadedByMemberId, memberId) : undefined)),
    );
    return row ?? null;
  }

  /** Gives the member's photos to the tombstone; the rows changed. */
  reattribute(associationId: string, memberId: string, tombstoneMemberId: string): Promise<PhotoRow[]> {
    return this.db.tenant(associationId, (tx) =>
      tx
        .update(p)
        .set({ uploadedByMemberId: tombstoneMemberId })
        .where(and(eq(p.associationId, associationId), eq(p.uploadedByMemberId, memberId)))
        .returning(),
    );
  }

  /** Deletes the member's photos, or (memberId null) every photo of the association; the rows deleted. */
  delete(associationId: string, memberId: string | null): Promise<PhotoRow[]> {
    return this.db.tenant(associationId, (tx) =>
      tx
        .delete(p)
        .where(and(eq(p.associationId, associationId), memberId ? eq(p.uploadedByMemberId, memberId) : undefined))
        .returning(),
    );
  }
}
