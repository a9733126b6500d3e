import { badUserInput, forbidden, isUuid, notFound, type BookingBookers, type RequestContext, type Viewer } from '@tunet/kit';
import type { ServiceRequestRow } from '../service-requests/service-requests.repository';
import { admittedAssociation, type ServiceRequestsService } from '../service-requests/service-requests.service';
import { canLinkBooking, isBooker } from '../service-requests/service-requests.access';
import type { BookingLinksRepository } from './booking-links.repository';

/**
 * A service request linked to a booking (damage after a party-room booking; decision 0041 addendum "links"): the
 * board links and unlinks; the booking must be one of the association's, checked with reservations, which also
 * names its booker; the board, the reporter, the assignee and the booker see the link, and the booker the request.
 */
export class BookingLinksService {
  constructor(
    private readonly repository: BookingLinksRepository,
    private readonly requests: ServiceRequestsService,
    private readonly bookers: BookingBookers,
    private readonly now: () => Date,
  ) {}

  /** NOT_FOUND for a request or a booking the association does not have (another association's included). */
  async link(request: RequestContext, input: { requestId: string; bookingId: string }): Promise<ServiceRequestRow> {
    const associationId = this.admittedBoard(request);
    if (!isUuid(input.requestId)) throw notFound('Service request');
    if (!isUuid(input.bookingId)) throw notFound('Booking');
    // The booker would see it: a request about someone's home is not linked (finding NOT_FOUND first, as the board sees all).
    if ((await this.requests.get(request, input.requestId)).locationKind === 'unit') {
      throw badUserInput('requestId', 'requestId: a request about a home cannot be linked to a booking; its booker would see it.');
    }
    // Asked before the request's lock is taken: no call to another process inside a transaction.
    const bookerMemberId = await this.bookers.bookerOf(associationId, input.bookingId);
    if (!bookerMemberId) throw notFound('Booking');
    return this.set(associationId, input.requestId, { bookingId: input.bookingId, bookerMemberId });
  }

  async unlink(request: RequestContext, input: { requestId: string }): Promise<ServiceRequestRow> {
    const associationId = this.admittedBoard(request);
    if (!isUuid(input.requestId)) throw notFound('Service request');
    return this.set(associationId, input.requestId, null);
  }

  /** The booking as a reference for the board, the reporter, the assignee and the booker; null otherwise or while unlinked. */
  bookingOf(viewer: Viewer | null, row: ServiceRequestRow): { id: string } | null {
    if (!row.bookingId) return null;
    return this.requests.seesDetails(viewer, row) || isBooker(viewer, row) ? { id: row.bookingId } : null;
  }

  private admittedBoard(request: RequestContext): string {
    const associationId = admittedAssociation(request);
    if (!canLinkBooking(request.viewer, associationId)) throw forbidden('Only the board links a service request to a booking.');
    return associationId;
  }

  private async set(associationId: string, requestId: string, link: { bookingId: string; bookerMemberId: string } | null): Promise<ServiceRequestRow> {
    const row = await this.repository.setLink(associationId, requestId, link, this.now());
    if (!row) throw notFound('Service request');
    return row;
  }
}
