import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  DateTimeResolver,
  fileStorageFromEnv,
  LocalDateResolver,
  lowerCaseEnumValues,
  OutboxRelay,
  personalDataRoutes,
  PRIVACY_EXPORT_ASSOCIATION_FILE_ROUTE,
  PRIVACY_EXPORT_FILE_ROUTE,
  privacyExportAssociationFileRequestSchema,
  privacyExportFileRequestSchema,
  processRoute,
  SignedMemberHomes,
  SignedMemberReferences,
  SignedMemberRoles,
  SignedBookingBookers,
  type BookingBookers,
  UrlSigner,
  type FileStorage,
  type MemberHomes,
  type MemberReferences,
  type MemberRoles,
  type SubgraphDatabase,
  type SubgraphDefinition,
  type SubgraphModule,
  type SubgraphProcessDependencies,
} from '@tunet/kit';
import { parse } from 'graphql';
import { AssignmentsRepository } from './assignments/assignments.repository';
import { assignmentsResolvers } from './assignments/assignments.resolvers';
import { AssignmentsService } from './assignments/assignments.service';
import { assigneeMayMoveTo } from './assignments/assignments.access';
import { CommentsRepository } from './comments/comments.repository';
import { commentsResolvers } from './comments/comments.resolvers';
import { CommentsService } from './comments/comments.service';
import type { OperationsContext } from './context';
import { DeadlinesRepository } from './deadlines/deadlines.repository';
import { deadlinesResolvers } from './deadlines/deadlines.resolvers';
import { DeadlinesService } from './deadlines/deadlines.service';
import { DeadlineSweep } from './deadlines/deadlines.sweep';
import { billingOperationsFeature, type OperationsFeatureCheck } from './feature';
import { signedAssociationZones } from './maintenance/association-zones';
import { MaintenanceRepository } from './maintenance/maintenance.repository';
import { maintenanceResolvers } from './maintenance/maintenance.resolvers';
import { MaintenanceService, type TimeZoneOf } from './maintenance/maintenance.service';
import { OverdueMaintenanceSweep } from './maintenance/maintenance.sweep';
import { PhotosPrivacyRepository } from './photos/photos-privacy.repository';
import { PhotosPrivacy } from './photos/photos-privacy.service';
import { PhotosRepository } from './photos/photos.repository';
import { photosResolvers } from './photos/photos.resolvers';
import { PhotosService } from './photos/photos.service';
import { PrivacyRepository } from './privacy/privacy.repository';
import { PrivacyService } from './privacy/privacy.service';
import { RatingsRepository } from './ratings/ratings.repository';
import { ratingsResolvers } from './ratings/ratings.resolvers';
import { RatingsService } from './ratings/ratings.service';
import { ReportingRepository } from './reporting/reporting.repository';
import { reportingResolvers } from './reporting/reporting.resolvers';
import { ReportingService } from './reporting/reporting.service';
import { ServiceRequestsRepository } from './service-requests/service-requests.repository';
import { serviceRequestsResolvers } from './service-requests/service-requests.resolvers';
import { BookingLinksRepository } from './booking-links/booking-links.repository';
import { bookingLinksResolvers } from './booking-links/booking-links.resolvers';
import { BookingLinksService } from './booking-links/booking-links.service';
import { ServiceRequestsService } from './service-requests/service-requests.service';
import { LOWER_CASE_ENUMS } from './tables';

const root = path.resolve(__dirname, '..');
/** The gateway's public prefix for photo links (gateway/src/public-routes.ts PUBLIC_ROUTES). */
export const PHOTOS_ROUTE = 'operations-files';

/**
 * `internalSecret` signs the calls to other subgraphs' internal routes, at `subgraphUrls` (their GraphQL URLs by name,
 * known once their servers listen; members to check units and buildings); `now` is the clock of the status workflow
 * and the jobs, which tests move.
 */
export type OperationsDependencies = SubgraphProcessDependencies & {
  internalSecret: string;
  subgraphUrls: () => Readonly<Record<string, string>>;
  now?: () => Date;
  /** Which buildings exist, and where a reporter lives today (members' signed routes by default); tests arrange them. */
  memberReferences?: MemberReferences;
  memberHomes?: MemberHomes;
  /** What members are today, for assignment (members' signed route by default); tests arrange it. */
  memberRoles?: MemberRoles;
  /** Who booked a booking of the association, for links to bookings (reservations' signed route by default). */
  bookingBookers?: BookingBookers;
  /** The association's time zone, in which reports read their dates (members' profile route by default); tests arrange it. */
  associationZones?: TimeZoneOf;
  /** Whether an association has the operations center, for the sweeps (billing's signed route by default). */
  operationsFeature?: OperationsFeatureCheck;
  /** Where photos' bytes go (the storage the environment names by default, as posts'); tests give a directory. */
  fileStorage?: FileStorage;
};

export interface OperationsSubgraph extends SubgraphModule<OperationsContext> {
  db: SubgraphDatabase;
  serviceRequests: ServiceRequestsService;
  maintenance: MaintenanceService;
  deadlines: DeadlinesService;
  photos: PhotosService;
  assignments: AssignmentsService;
  comments: CommentsService;
  ratings: RatingsService;
  reporting: ReportingService;
  bookingLinks: BookingLinksService;
}

/** Wires the operations subgraph: repositories on its own schema, services, internal routes and the request context. */
export async function createOperationsSubgraph(deps: OperationsDependencies): Promise<OperationsSubgraph> {
  const db = deps.database.forSubgraph('operations', path.join(root, 'migrations'));
  const serviceRequestsRepository = new ServiceRequestsRepository(db);
  const now = deps.now ?? (() => new Date());
  const membersUrl = () => {
    const url = deps.subgraphUrls().members;
    if (!url) throw new Error('The members subgraph’s URL is not known.');
    return url;
  };
  const serviceRequests = new ServiceRequestsService(serviceRequestsRepository, {
    members: deps.memberReferences ?? new SignedMemberReferences(membersUrl, deps.internalSecret),
    homes: deps.memberHomes ?? new SignedMemberHomes(membersUrl, deps.internalSecret),
    store: deps.store,
    now,
    // Assignment (decision 0042): the assignee is on the request's row, and moves it as far as resolved.
    assigneeOf: (row) => ({ assigneeMemberId: row.assigneeMemberId }),
    assigneeMayMoveTo,
  });
  const memberRoles = deps.memberRoles ?? new SignedMemberRoles(membersUrl, deps.internalSecret);
  const assignments = new AssignmentsService(new AssignmentsRepository(db), serviceRequests, memberRoles, now);
  const comments = new CommentsService(new CommentsRepository(db), serviceRequests, deps.store, now);
  const reservationsUrl = () => {
    const url = deps.subgraphUrls().reservations;
    if (!url) throw new Error('The reservations subgraph’s URL is not known.');
    return url;
  };
  const bookingLinks = new BookingLinksService(
    new BookingLinksRepository(db),
    serviceRequests,
    deps.bookingBookers ?? new SignedBookingBookers(reservationsUrl, deps.internalSecret),
    now,
  );
  const ratings = new RatingsService(new RatingsRepository(db), serviceRequests, now);
  const maintenanceRepository = new MaintenanceRepository(db);
  const maintenance = new MaintenanceService(
    maintenanceRepository,
    memberRoles,
    deps.associationZones ?? signedAssociationZones(membersUrl, deps.internalSecret),
    now,
  );
  const deadlinesRepository = new DeadlinesRepository(db);
  const billingUrl = () => {
    const url = deps.subgraphUrls().billing;
    if (!url) throw new Error('The billing subgraph’s URL is not known.');
    return url;
  };
  // The sweeps run without a request: billing says which associations have the operations center (decision 0043).
  const operationsFeature = deps.operationsFeature ?? billingOperationsFeature(billingUrl, deps.internalSecret);
  const deadlines = new DeadlinesService(deadlinesRepository, now);
  const reporting = new ReportingService(new ReportingRepository(db), deps.associationZones ?? signedAssociationZones(membersUrl, deps.internalSecret), now);
  const fileStorage = deps.fileStorage ?? fileStorageFromEnv();
  const photosRepository = new PhotosRepository(db);
  // Served under the gateway's `operations-files` prefix, signed with operations' own key (decision 0041, photos).
  const photos = new PhotosService(
    photosRepository,
    serviceRequests,
    fileStorage,
    new UrlSigner(() => photosRepository.signingKey(), { route: PHOTOS_ROUTE, nowMs: () => now().getTime() }),
    deps.store,
    now,
  );
  const privacy = new PrivacyService(new PrivacyRepository(db), new PhotosPrivacy(new PhotosPrivacyRepository(db), photos));
  const typeDefs = parse(readFileSync(path.join(root, 'schema.graphql'), 'utf8'));
  const definition: SubgraphDefinition<OperationsContext> = {
    name: 'operations',
    typeDefs,
    resolvers: [
      { DateTime: DateTimeResolver, Date: LocalDateResolver },
      lowerCaseEnumValues(typeDefs, Object.keys(LOWER_CASE_ENUMS)),
      serviceRequestsResolvers,
      maintenanceResolvers,
      deadlinesResolvers,
      assignmentsResolvers,
      commentsResolvers,
      ratingsResolvers,
      reportingResolvers,
      photosResolvers,
      bookingLinksResolvers,
    ],
    createContext: (request) => ({ ...request, serviceRequests, maintenance, deadlines, photos, assignments, comments, ratings, reporting, bookingLinks }),
    internalRoutes: {
      ...personalDataRoutes(privacy, db),
      [PRIVACY_EXPORT_FILE_ROUTE]: processRoute(privacyExportFileRequestSchema, (body) => privacy.exportFile(body)),
      [PRIVACY_EXPORT_ASSOCIATION_FILE_ROUTE]: processRoute(privacyExportAssociationFileRequestSchema, (body) => privacy.exportAssociationFile(body)),
    },
    publicRoutes: { [PHOTOS_ROUTE]: (request) => photos.download(request) },
    isReady: () => deps.database.ping(),
  };
  return {
    definition,
    migrate: () => db.migrate(),
    backgroundJobs: (stream) => [
      new OutboxRelay(db, stream),
      new OverdueMaintenanceSweep(maintenanceRepository, operationsFeature, { now }),
      new DeadlineSweep(deadlinesRepository, operationsFeature, { now }),
    ],
    db,
    serviceRequests,
    maintenance,
    deadlines,
    photos,
    assignments,
    comments,
    ratings,
    reporting,
    bookingLinks,
  };
}
