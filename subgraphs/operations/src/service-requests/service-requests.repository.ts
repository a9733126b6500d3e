import { and, asc, eq } from 'drizzle-orm';
import type { SubgraphDatabase } from '@tunet/kit';
import { serviceRequests, statusChanges } from '../tables';

export type ServiceRequestRow = typeof serviceRequests.$inferSelect;
export type StatusChangeRow = typeof statusChanges.$inferSelect;

/** The only SQL of service requests. Every read and write runs in the request's association (row-level security). */
export class ServiceRequestsRepository {
  constructor(private readonly db: SubgraphDatabase) {}

  async find(associationId: string, id: string): Promise<ServiceRequestRow | null> {
    const [row] = await this.db.tenant(associationId, (tx) =>
      tx
        .select()
        .from(serviceRequests)
        .where(and(eq(serviceRequests.associationId, associationId), eq(serviceRequests.id, id))),
    );
    return row ?? null;
  }

  /** A request's status changes, oldest first. */
  history(associationId: string, requestId: string): Promise<StatusChangeRow[]> {
    return this.db.tenant(associationId, (tx) =>
      tx
        .select()
        .from(statusChanges)
        .where(and(eq(statusChanges.associationId, associationId), eq(statusChanges.requestId, requestId)))
        .orderBy(asc(statusChanges.at), asc(statusChanges.id)),
    );
  }
}
