import { admitMember, notFound, pageSize, toPage, type Page, type Viewer } from '@tunet/kit';
import type { InboxLoaders } from '../inbox/inbox.loaders';
import type { NotificationRow } from '../inbox/inbox.repository';
import { positionAfter } from '../inbox/inbox.service';
import { withoutSecret } from '../rules/secret-links.rules';
import { canSeeDeliveriesOf, canSeeFailedDeliveries, canSeeOwnDeliveries } from './deliveries.access';
import type { DeliveriesLoaders } from './deliveries.loaders';
import type { DeliveriesRepository, DeliveryRow } from './deliveries.repository';

/** What the failed-delivery lists take; GraphQL defaults apply only over HTTP. */
export interface FailedListOptions {
  first?: number | null;
  after?: string | null;
}

/** How notifications went out: a notification's deliveries, and the ones that failed. */
export class DeliveriesService {
  constructor(private readonly repository: DeliveriesRepository) {}

  /** The viewer's own failed and bounced deliveries, newest first. */
  myFailedDeliveries(viewer: Viewer | null, options: FailedListOptions): Promise<Page<DeliveryRow>> {
    const member = admitMember(viewer, canSeeOwnDeliveries);
    return this.failed(member.associationId, member.memberId, options);
  }

  /** The association's failed and bounced deliveries, newest first. Board only. */
  failedDeliveries(viewer: Viewer | null, options: FailedListOptions): Promise<Page<DeliveryRow>> {
    const board = admitMember(viewer, canSeeFailedDeliveries);
    return this.failed(board.associationId, null, options);
  }

  /** A notification's deliveries, for those who may see them; nobody else learns that any exist. */
  async deliveriesOf(viewer: Viewer | null, loaders: DeliveriesLoaders, notification: NotificationRow): Promise<DeliveryRow[]> {
    if (!canSeeDeliveriesOf(viewer, notification)) return [];
    return loaders.deliveriesByNotification.load(notification.id);
  }

  /**
   * The notification a delivery delivered; the viewer may see it because they were allowed to see the delivery. A
   * one-time token in its link is not theirs: a board reading a bounced reset e-mail must not take the account.
   */
  async notificationOf(loaders: InboxLoaders, delivery: DeliveryRow): Promise<NotificationRow> {
    const notification = await loaders.notificationById.load(delivery.notificationId);
    if (!notification) throw notFound('Notification');
    return withoutSecret(notification);
  }

  private async failed(tenant: string, memberId: string | null, options: FailedListOptions): Promise<Page<DeliveryRow>> {
    const size = pageSize(options.first);
    const after = options.after ? positionAfter(options.after) : null;
    const rows = await this.repository.listFailed(tenant, memberId, size + 1, after);
    return toPage(rows, size, (row) => [row.position, row.id]);
  }
}
