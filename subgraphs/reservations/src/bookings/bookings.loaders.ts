import type DataLoader from 'dataloader';
import { groupLoader, tenantLoader, type Viewer } from '@tunet/kit';
import { canReadBookings } from './bookings.access';
import type { BookingRow, BookingsRepository, ChargeRow } from './bookings.repository';

export interface BookingsLoaders {
  /** Bookings of the viewer's own association only; anyone else's id, and any id for non-members, load as null. */
  bookingById: DataLoader<string, BookingRow | null>;
  /** Each booking's charges (what its cancellation cost and gave back), one query for a page of bookings. */
  chargesByBooking: DataLoader<string, ChargeRow[]>;
}

/** Per-request loaders; a viewer who may not read bookings gets loaders that find nothing. */
export function createBookingsLoaders(repository: BookingsRepository, viewer: Viewer | null): BookingsLoaders {
  const reader = viewer?.associationId && canReadBookings(viewer, viewer.associationId) ? viewer : null;
  return {
    bookingById: tenantLoader(reader, (tenant, ids) => repository.findBookings(tenant, ids)),
    chargesByBooking: groupLoader(
      reader,
      (tenant, ids) => repository.findCharges(tenant, ids),
      (charge) => charge.bookingId,
    ),
  };
}
