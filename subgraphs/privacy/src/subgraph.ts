import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  DateTimeResolver,
  EventSubscriber,
  LocalDateResolver,
  lowerCaseEnumValues,
  OutboxRelay,
  type FileStorage,
  type SubgraphDatabase,
  type SubgraphDefinition,
  type SubgraphModule,
  type SubgraphProcessDependencies,
} from '@tunet/kit';
import { parse } from 'graphql';
import { accessLogPrivacyPart } from './access-log/access-log.privacy';
import { AccessLogRepository } from './access-log/access-log.repository';
import { accessLogResolvers } from './access-log/access-log.resolvers';
import { AccessLogService } from './access-log/access-log.service';
import type { PrivacyContext } from './context';
import { PERSONAL_DATA } from './privacy/personal-data';
import { privacyRoutes } from './privacy/privacy.routes';
import { settingsPrivacyPart } from './settings/settings-privacy.repository';
import { SettingsRepository } from './settings/settings.repository';
import { settingsResolvers } from './settings/settings.resolvers';
import { SettingsService } from './settings/settings.service';
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
};

export interface PrivacySubgraph extends SubgraphModule<PrivacyContext> {
  db: SubgraphDatabase;
  settings: SettingsService;
  accessLog: AccessLogService;
}

/** Wires the privacy subgraph: repositories on its own schema, services, internal routes and the request context. */
export async function createPrivacySubgraph(deps: PrivacyDependencies): Promise<PrivacySubgraph> {
  const db = deps.database.forSubgraph('privacy', path.join(root, 'migrations'));
  const settings = new SettingsService(new SettingsRepository(db));
  const accessLogRepository = new AccessLogRepository(db);
  const accessLog = new AccessLogService(accessLogRepository);
  const typeDefs = parse(readFileSync(path.join(root, 'schema.graphql'), 'utf8'));
  const definition: SubgraphDefinition<PrivacyContext> = {
    name: 'privacy',
    typeDefs,
    resolvers: [{ DateTime: DateTimeResolver, Date: LocalDateResolver }, lowerCaseEnumValues(typeDefs, Object.keys(LOWER_CASE_ENUMS)), settingsResolvers, accessLogResolvers],
    createContext: (request) => ({ ...request, settings, accessLog }),
    internalRoutes: privacyRoutes(db, PERSONAL_DATA, [settingsPrivacyPart, accessLogPrivacyPart(accessLogRepository)]),
    isReady: () => deps.database.ping(),
  };
  return {
    definition,
    migrate: () => db.migrate(),
    backgroundJobs: (stream) => [
      new OutboxRelay(db, stream),
      // Privacy's replicas share the consumer group `privacy`; a group has one subscriber, so add topics here.
      new EventSubscriber({
        stream,
        db,
        group: 'privacy',
        handlers: {
          'personal_data.accessed': (event) => accessLog.recordAccessed(event),
          'personal_data.changed': (event) => accessLog.recordChanged(event),
        },
      }),
    ],
    db,
    settings,
    accessLog,
  };
}
