import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  createLogger,
  DateTimeResolver,
  EventSubscriber,
  LocalDateResolver,
  lowerCaseEnumValues,
  fileStorageFromEnv,
  OutboxRelay,
  postInternalRoute,
  publicRouteWithPost,
  PublicRouteError,
  retentionJob,
  SignedMemberReferences,
  type FileStorage,
  type SubgraphDatabase,
  type SubgraphDefinition,
  type SubgraphModule,
  type SubgraphProcessDependencies,
} from '@tunet/kit';
import { parse } from 'graphql';
import { accessLogPrivacyPart } from './access-log/access-log.privacy';
import { ARCHIVE_ROUTE } from './archives/archive-links';
import { archivesPrivacyPart } from './archives/archives.privacy';
import { ArchivesRepository } from './archives/archives.repository';
import { archivesResolvers } from './archives/archives.resolvers';
import { ArchivesService } from './archives/archives.service';
import { ClosureLinksRepository } from './archives/closure-links.repository';
import { ClosureLinksService, isClosurePath } from './archives/closure-links.service';
import { ClosuresRepository } from './archives/closures.repository';
import { closuresResolvers } from './archives/closures.resolvers';
import { CLOSURE_CALL_TIMEOUT_MS, ClosuresService } from './archives/closures.service';
import { AccessLogRepository } from './access-log/access-log.repository';
import { accessLogResolvers } from './access-log/access-log.resolvers';
import { AccessLogService } from './access-log/access-log.service';
import { breachesPrivacyPart } from './breaches/breaches-privacy.repository';
import { BreachesRepository } from './breaches/breaches.repository';
import { breachesResolvers } from './breaches/breaches.resolvers';
import { BreachesService } from './breaches/breaches.service';
import { consentPrivacyPart } from './consents/consents-privacy.repository';
import { ConsentsRepository } from './consents/consents.repository';
import { consentResolvers } from './consents/consents.resolvers';
import { consentRoutes } from './consents/consents.routes';
import { ConsentsService } from './consents/consents.service';
import type { PrivacyContext } from './context';
import { NoticesRepository } from './notices/notices.repository';
import { NoticesService } from './notices/notices.service';
import { PurposesRepository } from './purposes/purposes.repository';
import { PurposesService } from './purposes/purposes.service';
import { RestrictionsRepository } from './restrictions/restrictions.repository';
import { RestrictionsService } from './restrictions/restrictions.service';
import { PERSONAL_DATA } from './privacy/personal-data';
import { privacyRoutes } from './privacy/privacy.routes';
import { PRIVACY_PARTICIPANTS } from './privacy/participants';
import { SignedMembersLookup, type MembersLookup } from './requests/members-client';
import { requestsPrivacyPart } from './requests/requests-privacy.repository';
import { RequestsJob } from './requests/requests.job';
import { RequestsRepository } from './requests/requests.repository';
import { requestsResolvers } from './requests/requests.resolvers';
import { RequestsService } from './requests/requests.service';
import { movedOutPass } from './requests/retention.service';
import { settingsPrivacyPart } from './settings/settings-privacy.repository';
import { SettingsRepository } from './settings/settings.repository';
import { settingsResolvers } from './settings/settings.resolvers';
import { SettingsService } from './settings/settings.service';
import { SignedControllerProfiles } from './records/controller-profiles';
import { recordsResolvers } from './records/records.resolvers';
import { processorFromEnv, RecordsService } from './records/records.service';
import { statisticsResolvers } from './statistics/statistics.resolvers';
import { StatisticsService } from './statistics/statistics.service';
import { SignedUsageSource } from './statistics/usage-source';
import { SignedCurrentAssociations, type CurrentAssociations } from './subprocessors/current-associations';
import { subprocessorsPrivacyPart } from './subprocessors/subprocessors-privacy.repository';
import { SubprocessorsRepository } from './subprocessors/subprocessors.repository';
import { subprocessorsResolvers } from './subprocessors/subprocessors.resolvers';
import { SubprocessorsService } from './subprocessors/subprocessors.service';
import { LOWER_CASE_ENUMS } from './tables';

const root = path.resolve(__dirname, '..');

/**
 * `internalSecret` signs the calls to every other subgraph's privacy routes, at `subgraphUrls` (their GraphQL URLs by
 * name, known once their servers listen); `fileStorage` keeps the exports (by default what FILE_STORAGE names);
 * `now` is the clock of deadlines and jobs, which tests move.
 */
export type PrivacyDependencies = SubgraphProcessDependencies & {
  internalSecret: string;
  subgraphUrls: () => Readonly<Record<string, string>>;
  fileStorage?: FileStorage;
  now?: () => Date;
  /** How often the requests job runs (default PRIVACY_JOB_INTERVAL_MS, else 30 s); tests shorten it. */
  jobIntervalMs?: number;
  /** Members' answers when a request is received (members' signed routes by default). */
  membersLookup?: MembersLookup;
  /** Every association not terminated, told of sub-processor changes (members' signed route by default). */
  currentAssociations?: CurrentAssociations;
};

export interface PrivacySubgraph extends SubgraphModule<PrivacyContext> {
  db: SubgraphDatabase;
  settings: SettingsService;
  requests: RequestsService;
  requestsJob: RequestsJob;
  accessLog: AccessLogService;
  subprocessors: SubprocessorsService;
  breaches: BreachesService;
  archives: ArchivesService;
  closures: ClosuresService;
}

/** Purposes, consents, restrictions and notices (docs/decisions/0038), and the repository the states route reads. */
function consentDomains(db: SubgraphDatabase, deps: PrivacyDependencies) {
  const purposes = new PurposesRepository(db);
  const repository = new ConsentsRepository(db);
  const membersUrl = () => {
    const url = deps.subgraphUrls().members;
    if (!url) throw new Error('The members subgraph’s URL is not known.');
    return url;
  };
  const members = new SignedMemberReferences(membersUrl, deps.internalSecret);
  return {
    repository,
    services: {
      purposes: new PurposesService(db, purposes),
      consents: new ConsentsService(db, repository, purposes, deps.store),
      restrictions: new RestrictionsService(db, new RestrictionsRepository(db), members, deps.store),
      notices: new NoticesService(db, new NoticesRepository(db), db.outbox, deps.now ?? (() => new Date())),
    },
  };
}

/** Wires the privacy subgraph: repositories on its own schema, services, internal routes and the request context. */
export async function createPrivacySubgraph(deps: PrivacyDependencies): Promise<PrivacySubgraph> {
  const db = deps.database.forSubgraph('privacy', path.join(root, 'migrations'));
  const now = deps.now ?? (() => new Date());
  const settingsRepository = new SettingsRepository(db);
  const settings = new SettingsService(settingsRepository, now);
  const accessLogRepository = new AccessLogRepository(db);
  const accessLog = new AccessLogService(accessLogRepository);
  const membersUrl = () => {
    const url = deps.subgraphUrls().members;
    if (!url) throw new Error('The members subgraph’s URL is not known.');
    return url;
  };
  const storage = deps.fileStorage ?? fileStorageFromEnv();
  const archivesRepository = new ArchivesRepository(db);
  const archives = new ArchivesService(archivesRepository, storage, now);
  const closuresRepository = new ClosuresRepository(db);
  const closureLinks = new ClosureLinksService(new ClosureLinksRepository(db), closuresRepository, storage, now);
  const closures = new ClosuresService(
    closuresRepository,
    storage,
    archives.archiver,
    (subgraph, route, payload) => {
      const graphqlUrl = deps.subgraphUrls()[subgraph];
      if (!graphqlUrl) throw new Error(`${subgraph} is not configured`);
      return postInternalRoute({ graphqlUrl, route, internalSecret: deps.internalSecret, payload, timeoutMs: CLOSURE_CALL_TIMEOUT_MS });
    },
    // A terminated association's erasure keeps members last (decision 0037); privacy's own rows are erased by the closure.
    [...PRIVACY_PARTICIPANTS.filter((subgraph) => subgraph !== 'privacy' && subgraph !== 'members'), 'members'],
    now,
  );
  const requestsRepository = new RequestsRepository(db);
  const requestsJob = new RequestsJob({
    repository: requestsRepository,
    subgraphUrls: deps.subgraphUrls,
    internalSecret: deps.internalSecret,
    storage,
    publisher: archives,
    intervalMs: deps.jobIntervalMs ?? Number(process.env.PRIVACY_JOB_INTERVAL_MS ?? 30_000),
    now,
  });
  const membersLookup = deps.membersLookup ?? new SignedMembersLookup(membersUrl, deps.internalSecret);
  const requests = new RequestsService(requestsRepository, membersLookup, PRIVACY_PARTICIPANTS, () => requestsJob.nudge(), now);
  const currentAssociations = deps.currentAssociations ?? new SignedCurrentAssociations(membersUrl, deps.internalSecret);
  const subprocessorsRepository = new SubprocessorsRepository(db);
  const subprocessors = new SubprocessorsService(subprocessorsRepository, currentAssociations, deps.now);
  const records = new RecordsService(
    db,
    subprocessorsRepository,
    new SignedControllerProfiles(membersUrl, deps.internalSecret),
    processorFromEnv(process.env),
    deps.now,
  );
  const breaches = new BreachesService(new BreachesRepository(db), currentAssociations, deps.now);
  const consents = consentDomains(db, deps);
  const statistics = new StatisticsService(new SignedUsageSource(deps.subgraphUrls, deps.internalSecret), currentAssociations, deps.now);
  const typeDefs = parse(readFileSync(path.join(root, 'schema.graphql'), 'utf8'));
  const definition: SubgraphDefinition<PrivacyContext> = {
    name: 'privacy',
    typeDefs,
    resolvers: [
      { DateTime: DateTimeResolver, Date: LocalDateResolver },
      lowerCaseEnumValues(typeDefs, Object.keys(LOWER_CASE_ENUMS)),
      settingsResolvers,
      consentResolvers,
      requestsResolvers,
      accessLogResolvers,
      subprocessorsResolvers,
      breachesResolvers,
      recordsResolvers,
      archivesResolvers,
      closuresResolvers,
      statisticsResolvers,
    ],
    createContext: (request) => ({
      ...request,
      ...consents.services,
      settings,
      requests,
      now,
      accessLog,
      subprocessors,
      breaches,
      records,
      archives,
      closureLinks,
      statistics,
    }),
    internalRoutes: {
      ...consentRoutes(consents.repository),
      ...privacyRoutes(db, PERSONAL_DATA, [
        settingsPrivacyPart,
        consentPrivacyPart,
        requestsPrivacyPart,
        accessLogPrivacyPart(accessLogRepository),
        subprocessorsPrivacyPart,
        breachesPrivacyPart,
        archivesPrivacyPart(archivesRepository, storage),
      ]),
    },
    publicRoutes: {
      // A person's signed download (GET only), or a terminated association's link: its page, and the code posted back.
      [ARCHIVE_ROUTE]: publicRouteWithPost(
        (request) => (isClosurePath(request.path) ? closureLinks.page(request) : archives.serve(request)),
        (request) => (isClosurePath(request.path) ? closureLinks.download(request) : Promise.reject(new PublicRouteError(404, 'Not found'))),
      ),
    },
    isReady: () => deps.database.ping(),
  };
  return {
    definition,
    migrate: () => db.migrate(),
    backgroundJobs: (stream) => [
      new OutboxRelay(db, stream),
      requestsJob,
      // Daily: members who moved out longer ago than their association's retention period get an erasure request.
      retentionJob(
        db,
        'privacy.moved-out',
        (at) => movedOutPass({ members: membersLookup, settings: settingsRepository, requests: requestsRepository, subgraphs: PRIVACY_PARTICIPANTS }, at),
        createLogger('privacy-retention'),
        now,
      ),
      breaches.sweepJob(),
      archives.expiryJob(),
      closures.job(deps.jobIntervalMs),
      // Privacy's replicas share the consumer group `privacy`; a group has one subscriber, so add topics here.
      new EventSubscriber({
        stream,
        db,
        group: 'privacy',
        handlers: {
          'personal_data.accessed': (event) => accessLog.recordAccessed(event),
          'personal_data.changed': (event) => accessLog.recordChanged(event),
          'association.terminated': async ({ associationId, payload }) => {
            if (!associationId) throw new Error('association.terminated without an association');
            await closures.start({ associationId, ...payload, startedBy: 'event' });
          },
        },
      }),
    ],
    db,
    settings,
    requests,
    requestsJob,
    accessLog,
    subprocessors,
    breaches,
    archives,
    closures,
  };
}
