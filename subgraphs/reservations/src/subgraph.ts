import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  DateTimeResolver,
  LocalDateResolver,
  lowerCaseEnumValues,
  createLogger,
  OutboxRelay,
  personalDataRoutes,
  ReminderSweep,
  retentionJob,
  type SubgraphDatabase,
  type SubgraphDefinition,
  type SubgraphModule,
  type SubgraphProcessDependencies,
} from '@tunet/kit';
import { parse } from 'graphql';
import { CalendarRepository } from './calendar/calendar.repository';
import { calendarResolvers } from './calendar/calendar.resolvers';
import { CalendarService } from './calendar/calendar.service';
import { BOOKINGS_CALENDAR_ROUTE, bookingsCalendarFeedsOf } from './calendar/calendar.tokens';
import type { ReservationsContext } from './context';
import { LOWER_CASE_ENUMS } from './tables';
import { createBookingsLoaders } from './bookings/bookings.loaders';
import { createResourcesLoaders } from './resources/resources.loaders';
import { ResourcesRepository } from './resources/resources.repository';
import { resourcesResolvers } from './resources/resources.resolvers';
import { ResourcesService } from './resources/resources.service';
import { ScheduleRepository } from './schedule/schedule.repository';
import { scheduleResolvers } from './schedule/schedule.resolvers';
import { ScheduleService } from './schedule/schedule.service';
import { BookingsRepository } from './bookings/bookings.repository';
import { bookingsResolvers } from './bookings/bookings.resolvers';
import { bookingsInternalRoutes } from './bookings/bookings.routes';
import { BookingsService } from './bookings/bookings.service';
import { LifecycleRepository } from './lifecycle/lifecycle.repository';
import { memberEvents, MoveOutCancellations } from './lifecycle/lifecycle.move-outs';
import { BookingReminders } from './lifecycle/lifecycle.reminders';
import { PrivacyRepository } from './privacy/privacy.repository';
import { CHARGES_PURGE, PrivacyService } from './privacy/privacy.service';
import { statisticsRoutes } from './statistics/statistics.routes';

const root = path.resolve(__dirname, '..');

/**
 * What the subgraph is built from: the process's connections and the gateway signing secret, from which the key of
 * calendar feed tokens is derived (without it, in tests, the key is random and feed URLs last as long as the process).
 */
export type ReservationsDependencies = SubgraphProcessDependencies & { internalSecret?: string };

export interface ReservationsSubgraph extends SubgraphModule<ReservationsContext> {
  db: SubgraphDatabase;
  bookings: BookingsService;
  bookingsRepository: BookingsRepository;
  resources: ResourcesService;
  resourcesRepository: ResourcesRepository;
  schedule: ScheduleService;
  calendar: CalendarService;
  lifecycleRepository: LifecycleRepository;
  moveOuts: MoveOutCancellations;
  privacy: PrivacyService;
}

/** Wires the reservations subgraph: repositories on its own schema, services, and the request context. */
export async function createReservationsSubgraph(deps: ReservationsDependencies): Promise<ReservationsSubgraph> {
  const db = deps.database.forSubgraph('reservations', path.join(root, 'migrations'));
  const calendar = new CalendarService(new CalendarRepository(db), bookingsCalendarFeedsOf(db, deps.internalSecret));
  const resourcesRepository = new ResourcesRepository(db);
  const resources = new ResourcesService(resourcesRepository);
  const schedule = new ScheduleService(new ScheduleRepository(db));
  const bookingsRepository = new BookingsRepository(db);
  const bookings = new BookingsService(bookingsRepository);
  const lifecycleRepository = new LifecycleRepository(db);
  const moveOuts = new MoveOutCancellations(lifecycleRepository, bookingsRepository, calendar);
  const privacy = new PrivacyService(new PrivacyRepository(db));
  const typeDefs = parse(readFileSync(path.join(root, 'schema.graphql'), 'utf8'));
  const definition: SubgraphDefinition<ReservationsContext> = {
    name: 'reservations',
    typeDefs,
    resolvers: [
      { DateTime: DateTimeResolver, Date: LocalDateResolver },
      lowerCaseEnumValues(typeDefs, Object.keys(LOWER_CASE_ENUMS)),
      calendarResolvers,
      bookingsResolvers,
      resourcesResolvers,
      scheduleResolvers,
    ],
    createContext: (request) => ({
      ...request,
      bookingLoaders: createBookingsLoaders(bookingsRepository, request.viewer),
      bookings,
      resourceLoaders: createResourcesLoaders(resourcesRepository, request.viewer),
      resources,
      schedule,
      calendar,
    }),
    publicRoutes: { [BOOKINGS_CALENDAR_ROUTE]: (request) => calendar.feed(request.path) },
    isReady: () => deps.database.ping(),
    internalRoutes: { ...personalDataRoutes(privacy, db), ...statisticsRoutes(db), ...bookingsInternalRoutes(bookingsRepository) },
  };
  return {
    definition,
    migrate: () => db.migrate(),
    backgroundJobs: (stream) => [
      new OutboxRelay(db, stream),
      // reservation.reminder_due, 24 hours before a confirmed booking starts
      new ReminderSweep('booking-reminders', new BookingReminders(lifecycleRepository)),
      memberEvents(stream, db, moveOuts),
      // Charges are deleted once their five years after the fiscal year are over.
      retentionJob(db, CHARGES_PURGE, (now) => privacy.purgeExpiredCharges(now), createLogger('reservations')),
    ],
    db,
    bookings,
    bookingsRepository,
    resources,
    resourcesRepository,
    schedule,
    calendar,
    lifecycleRepository,
    moveOuts,
    privacy,
  };
}
