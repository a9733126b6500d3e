import type { RequestContext } from '@tunet/kit';
import type { CalendarService } from './calendar/calendar.service';
import type { BookingsLoaders } from './bookings/bookings.loaders';
import type { BookingsService } from './bookings/bookings.service';
import type { ResourcesLoaders } from './resources/resources.loaders';
import type { ResourcesService } from './resources/resources.service';
import type { ScheduleService } from './schedule/schedule.service';

/**
 * What every reservations resolver receives: the request (viewer, request id, client address, public origin),
 * plus each domain's loaders and service, added by the domains as they are wired in subgraph.ts.
 */
export interface ReservationsContext extends RequestContext {
  calendar: CalendarService;
  bookingLoaders: BookingsLoaders;
  bookings: BookingsService;
  resourceLoaders: ResourcesLoaders;
  resources: ResourcesService;
  schedule: ScheduleService;
}
