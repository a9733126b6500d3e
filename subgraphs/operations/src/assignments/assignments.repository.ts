import { and, eq, inArray } from 'drizzle-orm';
import type { SubgraphDatabase } from '@tunet/kit';
import { afterKey, overdueFirst, type ListKey, type ServiceRequestRow } from '../service-requests/service-requests.repository';
import { serviceRequests } from '../tables';
import type { Supplier } from './assignments.rules';
import { serviceRequestSuppliers } from './assignments.tables';

export type SupplierRow = typeof serviceRequestSuppliers.$inferSelect;

/** What `assign` found: the request as it is now, or why nothing changed. */
export type Assigned = { row: ServiceRequestRow } | 'not_found' | 'finished';

/** The only SQL of assignment. Every read and write runs in the request's association (row-level security). */
export class AssignmentsRepository {
  constructor(private readonly db: SubgraphDatabase) {}

  /**
   * Sets whom the request is assigned to and which supplier is engaged, in one transaction with the request's row
   * locked, so a status change at the same moment cannot close it in between. A closed or rejected request is
   * finished and keeps its assignment. `assigned_at` moves only when the assignee changes.
   */
  assign(
    associationId: string,
    requestId: string,
    to: { assigneeMemberId: string | null; supplier: Supplier | null },
    by: string,
    at: Date,
    /** Demo data tells nobody of what happened before the stack started. */
    announce = true,
  ): Promise<Assigned> {
    return this.db.tenant(associationId, async (tx) => {
      const where = and(eq(serviceRequests.associationId, associationId), eq(serviceRequests.id, requestId));
      const [current] = await tx.select().from(serviceRequests).where(where).for('update');
      if (!current) return 'not_found';
      if (current.status === 'closed' || current.status === 'rejected') return 'finished';
      const same = current.assigneeMemberId === to.assigneeMemberId;
      const [row] = await tx
        .update(serviceRequests)
        .set({
          assigneeMemberId: to.assigneeMemberId,
          assignedAt: to.assigneeMemberId === null ? null : same ? current.assignedAt : at,
          updatedAt: at,
        })
        .where(where)
        .returning();
      // The new assignee hears of it (decision 0042); the event carries only what they now see.
      if (announce && to.assigneeMemberId !== null && !same) {
        await this.db.outbox.add(tx, {
          associationId,
          topic: 'service_request.assigned',
          payload: { requestId, assigneeMemberId: to.assigneeMemberId, assignedByMemberId: by, title: current.title, urgency: current.urgency },
        });
      }
      // The same supplier again keeps who engaged it and when; another one replaces it; none removes it.
      const ofRequest = and(eq(serviceRequestSuppliers.associationId, associationId), eq(serviceRequestSuppliers.requestId, requestId));
      const [engaged] = await tx.select().from(serviceRequestSuppliers).where(ofRequest);
      if (engaged && to.supplier && sameSupplier(engaged, to.supplier)) return { row: row! };
      if (engaged) await tx.delete(serviceRequestSuppliers).where(ofRequest);
      if (to.supplier) {
        const { name, contactName, email, phone } = to.supplier;
        await tx
          .insert(serviceRequestSuppliers)
          .values({ associationId, requestId, name, contactName, contactEmail: email, contactPhone: phone, engagedByMemberId: by, engagedAt: at });
      }
      return { row: row! };
    });
  }

  async supplier(associationId: string, requestId: string): Promise<SupplierRow | null> {
    const [row] = await this.db.tenant(associationId, (tx) =>
      tx
        .select()
        .from(serviceRequestSuppliers)
        .where(and(eq(serviceRequestSuppliers.associationId, associationId), eq(serviceRequestSuppliers.requestId, requestId))),
    );
    return row ?? null;
  }

  /** The suppliers of a batch of requests (at most one each), for the loaders. */
  suppliers(associationId: string, requestIds: readonly string[]): Promise<SupplierRow[]> {
    return this.db.tenant(associationId, (tx) =>
      tx
        .select()
        .from(serviceRequestSuppliers)
        .where(and(eq(serviceRequestSuppliers.associationId, associationId), inArray(serviceRequestSuppliers.requestId, [...requestIds]))),
    );
  }

  /** The requests assigned to the member, overdue first then newest, `limit` after the list key `after`. */
  assignedTo(associationId: string, memberId: string, limit: number, after: ListKey | null, now: Date): Promise<ServiceRequestRow[]> {
    const r = serviceRequests;
    return this.db.tenant(associationId, (tx) =>
      tx
        .select()
        .from(r)
        .where(and(eq(r.associationId, associationId), eq(r.assigneeMemberId, memberId), after ? afterKey(after, now) : undefined))
        .orderBy(...overdueFirst(now))
        .limit(limit),
    );
  }
}

function sameSupplier(engaged: SupplierRow, supplier: Supplier): boolean {
  return (
    engaged.name === supplier.name &&
    engaged.contactName === supplier.contactName &&
    engaged.contactEmail === supplier.email &&
    engaged.contactPhone === supplier.phone
  );
}
