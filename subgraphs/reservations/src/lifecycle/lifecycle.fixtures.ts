import { randomUUID } from 'node:crypto';
import type { MemberViewer, SubgraphDatabase } from '@tunet/kit';
import { bookings, charges, resources, type BookingStatus } from '../tables';

/**
 * Resources and bookings written straight to the tables, for tests of what reads them (feeds, reminders,
 * move-outs): their rules are the bookings domain's tests' business, and times in the past are allowed here.
 */

export async function arrangeResource(db: SubgraphDatabase, associationId: string, name: string, timeZone?: string): Promise<string> {
  const id = randomUUID();
  await db.tenant(associationId, (tx) => tx.insert(resources).values({ associationId, id, name, bookingMode: 'range', timeZone }));
  return id;
}

export async function arrangeBooking(
  db: SubgraphDatabase,
  booker: MemberViewer,
  resourceId: string,
  during: { start: Date; end: Date },
  { status = 'confirmed', comment = null, paid = 0 }: { status?: BookingStatus; comment?: string | null; paid?: number } = {},
): Promise<string> {
  const id = randomUUID();
  const associationId = booker.associationId;
  const unitId = booker.scope?.unitIds[0] ?? null;
  await db.tenant(associationId, async (tx) => {
    await tx.insert(bookings).values({
      associationId,
      id,
      resourceId,
      bookerMemberId: booker.memberId,
      unitId,
      during,
      blocked: during,
      status,
      comment,
      price: paid,
      idempotencyKey: id,
    });
    if (paid > 0) {
      await tx.insert(charges).values({
        associationId,
        id: randomUUID(),
        bookingId: id,
        unitId,
        memberId: booker.memberId,
        amount: paid,
        reason: 'booking',
        description: 'Booking',
      });
    }
  });
  return id;
}
