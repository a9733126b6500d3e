import { and, eq } from 'drizzle-orm';
import type { SubgraphDatabase } from '@tunet/kit';
import type { ServiceRequestRow } from '../service-requests/service-requests.repository';
import { serviceRequests } from '../tables';

/** The link of a request to a booking and its booker (decision 0041 addendum "links"); null unlinks. */
export type BookingLink = { bookingId: string; bookerMemberId: string } | null;

/** The only SQL of booking links: one conditional update of the request's row. */
export class BookingLinksRepository {
  constructor(private readonly db: SubgraphDatabase) {}

  /** Sets (or clears) the link of the association's request; null when it has no such request. */
  setLink(associationId: string, id: string, link: BookingLink, now: Date): Promise<ServiceRequestRow | null> {
    return this.db.tenant(associationId, async (tx) => {
      const where = and(eq(serviceRequests.associationId, associationId), eq(serviceRequests.id, id));
      const [row] = await tx
        .update(serviceRequests)
        .set({ bookingId: link?.bookingId ?? null, bookerMemberId: link?.bookerMemberId ?? null, updatedAt: now })
        .where(where)
        .returning();
      return row ?? null;
    });
  }
}
