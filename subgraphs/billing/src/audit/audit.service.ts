import { decodeCursor, forbidden, pageSize, toPage, unauthenticated, type Page, type Viewer } from '@tunet/kit';
import { z } from 'zod';
import { canManageBilling } from '../subscriptions/subscriptions.access';
import type { AuditRepository, AuditRow } from './audit.repository';

const cursorKey = z.tuple([z.iso.datetime(), z.guid()]);

/** Association.billingAudit: who changed what in the association's billing, for its board and operators. */
export class AuditService {
  constructor(private readonly repository: AuditRepository) {}

  async page(viewer: Viewer | null, associationId: string, args: { first?: number | null; after?: string | null }): Promise<Page<AuditRow>> {
    if (!viewer) throw unauthenticated();
    if (!canManageBilling(viewer, associationId)) throw forbidden('Only the association’s board may see its billing history.');
    const size = pageSize(args.first);
    const after = args.after ? decodeCursor(args.after, cursorKey) : null;
    const rows = await this.repository.page(associationId, size + 1, after ? { at: new Date(after[0]), id: after[1] } : null);
    return toPage(rows, size, (row) => [row.at.toISOString(), row.id]);
  }
}
