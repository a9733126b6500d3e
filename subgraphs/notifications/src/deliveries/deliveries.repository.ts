import type { SubgraphDatabase } from '@tunet/kit';
import { and, asc, desc, eq, getTableColumns, inArray, sql } from 'drizzle-orm';
import { exactInstant, type ListPosition, type Positioned } from '../inbox/inbox.repository';
import { deliveries, notifications, type DeliveryRow } from '../tables';

export type { DeliveryRow };

/** The statuses of deliveries that will not be tried again, as the deliveries_failed index is defined. */
const GIVEN_UP = ['failed', 'bounced'] as const;

/** The only code that reads deliveries for GraphQL (the dispatcher writes them). Every call names its tenant. */
export class DeliveriesRepository {
  constructor(private readonly db: SubgraphDatabase) {}

  /** The deliveries of these notifications, in one statement. */
  deliveriesOf(tenant: string, notificationIds: readonly string[]): Promise<DeliveryRow[]> {
    return this.db.tenant(tenant, (tx) =>
      tx
        .select()
        .from(deliveries)
        .where(and(eq(deliveries.associationId, tenant), inArray(deliveries.notificationId, [...notificationIds])))
        .orderBy(asc(deliveries.createdAt), asc(deliveries.channel)),
    );
  }

  /**
   * One page of failed and bounced deliveries, last changed first: the association's, or only those of one member's
   * notifications. Served by deliveries_failed; fetch `limit + 1` to learn whether another page follows.
   */
  listFailed(tenant: string, memberId: string | null, limit: number, after: ListPosition | null): Promise<Positioned<DeliveryRow>[]> {
    return this.db.tenant(tenant, (tx) =>
      tx
        .select({ ...getTableColumns(deliveries), position: exactInstant(deliveries.updatedAt) })
        .from(deliveries)
        .where(
          and(
            eq(deliveries.associationId, tenant),
            inArray(deliveries.status, [...GIVEN_UP]),
            memberId
              ? inArray(
                  deliveries.notificationId,
                  tx
                    .select({ id: notifications.id })
                    .from(notifications)
                    .where(and(eq(notifications.associationId, tenant), eq(notifications.memberId, memberId))),
                )
              : undefined,
            after ? sql`(${deliveries.updatedAt}, ${deliveries.id}) < (${after.at}::timestamptz, ${after.id}::uuid)` : undefined,
          ),
        )
        .orderBy(desc(deliveries.updatedAt), desc(deliveries.id))
        .limit(limit),
    );
  }
}
