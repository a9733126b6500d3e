import { randomUUID } from 'node:crypto';
import type { SubgraphDatabase } from '@tunet/kit';
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { pushDevices, type PushDeviceRow } from '../tables';

export type { PushDeviceRow };

export type NewPushDevice = Pick<PushDeviceRow, 'kind' | 'address' | 'p256dh' | 'auth' | 'deviceName'>;

/** The only code that reads or writes push devices. Every call names its tenant. */
export class DevicesRepository {
  constructor(private readonly db: SubgraphDatabase) {}

  /**
   * Registers the device for the member. A browser or phone registered before (by anyone in the association) is
   * the same device, now this member's: a shared tablet follows whoever last signed in on it.
   */
  async register(tenant: string, memberId: string, device: NewPushDevice): Promise<PushDeviceRow> {
    const [row] = await this.db.tenant(tenant, (tx) =>
      tx
        .insert(pushDevices)
        .values({ associationId: tenant, id: randomUUID(), memberId, ...device })
        .onConflictDoUpdate({
          target: [pushDevices.associationId, pushDevices.kind, pushDevices.address],
          set: { memberId, p256dh: device.p256dh, auth: device.auth, deviceName: device.deviceName, createdAt: sql`now()` },
        })
        .returning(),
    );
    return row!;
  }

  /** The members' devices, oldest first, in one statement. */
  devicesOf(tenant: string, memberIds: readonly string[]): Promise<PushDeviceRow[]> {
    if (memberIds.length === 0) return Promise.resolve([]);
    return this.db.tenant(tenant, (tx) =>
      tx
        .select()
        .from(pushDevices)
        .where(and(eq(pushDevices.associationId, tenant), inArray(pushDevices.memberId, [...memberIds])))
        .orderBy(asc(pushDevices.createdAt), asc(pushDevices.id)),
    );
  }

  /** Removes one of the member's devices; false when it is not theirs (or gone). */
  async remove(tenant: string, memberId: string, id: string): Promise<boolean> {
    const removed = await this.db.tenant(tenant, (tx) =>
      tx
        .delete(pushDevices)
        .where(and(eq(pushDevices.associationId, tenant), eq(pushDevices.memberId, memberId), eq(pushDevices.id, id)))
        .returning({ id: pushDevices.id }),
    );
    return removed.length > 0;
  }

  /** Forgets devices their provider says no longer exist (an expired subscription, an unregistered token). */
  async removeInvalid(tenant: string, ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.db.tenant(tenant, (tx) =>
      tx.delete(pushDevices).where(and(eq(pushDevices.associationId, tenant), inArray(pushDevices.id, [...ids]))),
    );
  }

  /** Records that push reached these devices' providers. */
  async markUsed(tenant: string, ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.db.tenant(tenant, (tx) =>
      tx
        .update(pushDevices)
        .set({ lastUsedAt: sql`now()` })
        .where(and(eq(pushDevices.associationId, tenant), inArray(pushDevices.id, [...ids]))),
    );
  }
}
