import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  AccessTokenSigner,
  RateLimit,
  type DatabaseConnection,
  type FastStore,
  type SubgraphDefinition,
} from '@tunet/kit';
import { parse } from 'graphql';
import { AuthRepository } from './auth/auth.repository';
import { authResolvers } from './auth/auth.resolvers';
import { AuthService, type AuthSettings } from './auth/auth.service';
import type { MembersContext } from './context';
import { createMembersLoaders } from './members/members.loaders';
import { MembersRepository } from './members/members.repository';
import { membersResolvers } from './members/members.resolvers';
import { MembersService } from './members/members.service';

const root = path.resolve(__dirname, '..');

export interface MembersDependencies {
  database: DatabaseConnection;
  store: FastStore;
  jwtPrivateKey: string;
  auth?: Partial<AuthSettings>;
}

export interface MembersSubgraph {
  definition: SubgraphDefinition<MembersContext>;
  migrate(): Promise<string[]>;
  auth: AuthService;
  members: MembersService;
  repository: MembersRepository;
}

export const DEFAULT_AUTH_SETTINGS: AuthSettings = {
  accessTokenTtlSeconds: 15 * 60,
  refreshTokenTtlSeconds: 30 * 24 * 3600,
  maxFailedLoginsPerAccount: 5,
  maxFailedLoginsPerAddress: 50,
  lockoutSeconds: 15 * 60,
};

/** Wires the members subgraph: repositories on its own schema, services, and the request context. */
export async function createMembersSubgraph(deps: MembersDependencies): Promise<MembersSubgraph> {
  const db = deps.database.forSubgraph('members', path.join(root, 'migrations'));
  const repository = new MembersRepository(db);
  const members = new MembersService(repository);
  const settings = { ...DEFAULT_AUTH_SETTINGS, ...deps.auth };
  const limit = (name: string, points: number) =>
    new RateLimit(deps.store, { name, points, windowSeconds: settings.lockoutSeconds, blockSeconds: settings.lockoutSeconds });
  const auth = new AuthService(
    new AuthRepository(db),
    await AccessTokenSigner.fromPem(deps.jwtPrivateKey),
    {
      perAccount: limit('login:account', settings.maxFailedLoginsPerAccount),
      perAddress: limit('login:address', settings.maxFailedLoginsPerAddress),
    },
    settings,
  );
  const definition: SubgraphDefinition<MembersContext> = {
    name: 'members',
    typeDefs: parse(readFileSync(path.join(root, 'schema.graphql'), 'utf8')),
    resolvers: [membersResolvers, authResolvers],
    createContext: (request) => ({
      ...request,
      loaders: createMembersLoaders(repository, request.viewer),
      auth,
      members,
    }),
    isReady: () => deps.database.ping(),
  };
  return { definition, migrate: () => db.migrate(), auth, members, repository };
}
