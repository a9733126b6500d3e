import type { SubgraphDatabase } from '@tunet/kit';
import { ServiceRequestsRepository } from '../service-requests/service-requests.repository';
import { BookingLinksRepository } from './booking-links.repository';

/** The party-room booking the demo's request is linked to, and the place it is about. */
export interface DemoBookingLink {
  association: string;
  board: string;
  booking: { id: string; bookerMemberId: string };
}

/**
 * Solbakken's request linked to a party-room booking (decision 0041 addendum "links"): the board reports that the
 * party room's dishwasher leaks and links it to the next booking, so the booker sees the fault before the party.
 * Run once, with the demo's other requests.
 */
export async function loadDemoBookingLink(db: SubgraphDatabase, demo: DemoBookingLink, now = new Date()): Promise<void> {
  const reported = await new ServiceRequestsRepository(db).report(
    {
      associationId: demo.association,
      reporterMemberId: demo.board,
      category: 'common_areas',
      locationKind: 'common_area',
      unitId: null,
      buildingId: null,
      place: 'Selskapslokalet',
      title: 'Oppvaskmaskinen i selskapslokalet lekker',
      description: 'Det står vann under oppvaskmaskinen etter siste utleie. Vaktmesteren ser på den før neste utleie.',
      urgency: 'normal',
      urgentReason: null,
      visibleToResidents: false,
    },
    { kind: 'member', memberId: demo.board },
    now,
  );
  await new BookingLinksRepository(db).setLink(demo.association, reported.id, { bookingId: demo.booking.id, bookerMemberId: demo.booking.bookerMemberId }, now);
}
