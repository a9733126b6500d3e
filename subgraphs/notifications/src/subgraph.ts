import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  DateTimeResolver,
  type SubgraphDatabase,
  type SubgraphDefinition,
  type SubgraphModule,
  type SubgraphProcessDependencies,
} from '@tunet/kit';
import { parse } from 'graphql';
import { configFromEnv, type NotificationsConfig } from './config';
import type { NotificationsContext } from './context';
import { DevicesRepository } from './devices/devices.repository';
import type { Directory } from './model';
import { PreferencesRepository } from './preferences/preferences.repository';

const root = path.resolve(__dirname, '..');

/**
 * What the subgraph is built from: the process's connections, the gateway signing secret (which also signs its
 * calls to members and posts, and keys unsubscribe links), where recipients are looked up, and the providers.
 */
export type NotificationsDependencies = SubgraphProcessDependencies & {
  internalSecret: string;
  directory: Directory;
  config?: Partial<NotificationsConfig>;
  now?: () => Date;
};

export interface NotificationsSubgraph extends SubgraphModule<NotificationsContext> {
  db: SubgraphDatabase;
  config: NotificationsConfig;
  preferencesRepository: PreferencesRepository;
  devicesRepository: DevicesRepository;
}

/** Wires the notifications subgraph: repositories on its own schema, services, channels and background work. */
export async function createNotificationsSubgraph(deps: NotificationsDependencies): Promise<NotificationsSubgraph> {
  const db = deps.database.forSubgraph('notifications', path.join(root, 'migrations'));
  const config = { ...configFromEnv(), ...deps.config };
  const preferencesRepository = new PreferencesRepository(db);
  const devicesRepository = new DevicesRepository(db);
  const definition: SubgraphDefinition<NotificationsContext> = {
    name: 'notifications',
    typeDefs: parse(readFileSync(path.join(root, 'schema.graphql'), 'utf8')),
    resolvers: [{ DateTime: DateTimeResolver }],
    createContext: (request) => ({ ...request }),
    isReady: () => deps.database.ping(),
  };
  return {
    definition,
    migrate: () => db.migrate(),
    backgroundJobs: () => [],
    db,
    config,
    preferencesRepository,
    devicesRepository,
  };
}
