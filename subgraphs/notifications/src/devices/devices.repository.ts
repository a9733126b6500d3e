import { randomUUID } from 'node:crypto';
import type { SubgraphDatabase, Tx } from '@tunet/kit';
import { refuseErased } from '../privacy/erased-recipients.repository';
import { and, asc, desc, eq, inArray, notInArray, sql, type SQL } from 'drizzle-orm';
import { pushDevices, type PushDeviceRow } from '../tables';

export type { PushDeviceRow };

export type NewPushDevice = Pick<PushDeviceRow, 'kind' | 'address' | 'p256dh' | 'auth' | 'deviceName'>;

/** How many devices a member keeps once one is registered; beyond that the least recently registered go. */
export interface DeviceLimits {
  perMember: number;
  /** Of the member's devices whose address starts with `prefix` (one push service's origin). */
  perPrefix?: { prefix: string; max: number };
}

/** The only code that reads or writes push devices. Every call names its tenant. */
export class DevicesRepository {
  constructor(private readonly db: SubgraphDatabase) {}

  /**
   * Registers the device for the member. A browser or phone registered before (by anyone in the association) is
   * the same device, now this member's: a shared tablet follows whoever last signed in on it. Then the member's
   * least recently registered devices beyond the limits are removed.
   */
  async register(tenant: string, memberId: string, device: NewPushDevice, limits: DeviceLimits): Promise<PushDeviceRow> {
    return this.db.tenant(tenant, async (tx) => {
      // One member's registrations take turns, so two at once cannot both find room under the limits.
      await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`notifications.devices:${tenant}:${memberId}`}))`);
      await refuseErased(tx, tenant, memberId);
      const [row] = await tx
        .insert(pushDevices)
        // The time of registering, not of the transaction's start: one that waited for the lock is still the newest.
        .values({ associationId: tenant, id: randomUUID(), memberId, ...device, createdAt: sql`clock_timestamp()` })
        .onConflictDoUpdate({
          target: [pushDevices.associationId, pushDevices.kind, pushDevices.address],
          set: { memberId, p256dh: device.p256dh, auth: device.auth, deviceName: device.deviceName, createdAt: sql`clock_timestamp()` },
        })
        .returning();
      if (limits.perPrefix) {
        await keepNewest(tx, tenant, memberId, limits.perPrefix.max, sql`starts_with(${pushDevices.address}, ${limits.perPrefix.prefix})`);
      }
      await keepNewest(tx, tenant, memberId, limits.perMember);
      return row!;
    });
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
    await this.db.tenant(tenant, (tx) => tx.delete(pushDevices).where(and(eq(pushDevices.associationId, tenant), inArray(pushDevices.id, [...ids]))));
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

/** Removes the member's devices (those matching `among`) but the `count` registered last. */
async function keepNewest(tx: Tx, tenant: string, memberId: string, count: number, among?: SQL): Promise<void> {
  const theirs = and(eq(pushDevices.associationId, tenant), eq(pushDevices.memberId, memberId), among);
  const newest = tx.select({ id: pushDevices.id }).from(pushDevices).where(theirs).orderBy(desc(pushDevices.createdAt), desc(pushDevices.id)).limit(count);
  await tx.delete(pushDevices).where(and(theirs, notInArray(pushDevices.id, newest)));
}
