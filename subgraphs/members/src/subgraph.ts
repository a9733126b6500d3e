import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  AccessTokenSigner,
  OutboxRelay,
  PeriodicJob,
  PrivacyStatesReader,
  RevocationWriter,
  createLogger,
  fileStorageFromEnv,
  UrlSigner,
  type DatabaseConnection,
  type FastStore,
  type FileStorage,
  type PrivacyStatesLoader,
  type SubgraphModule,
} from '@tunet/kit';
import { parse } from 'graphql';
import { AgreementsRepository } from './agreements/agreements.repository';
import { agreementsResolvers } from './agreements/agreements.resolvers';
import { AgreementsService } from './agreements/agreements.service';
import { ApiKeysRepository } from './api-keys/api-keys.repository';
import { apiKeysResolvers } from './api-keys/api-keys.resolvers';
import { apiKeysInternalRoutes } from './api-keys/api-keys.routes';
import { ApiKeysService } from './api-keys/api-keys.service';
import { AssociationsRepository } from './associations/associations.repository';
import { associationsResolvers } from './associations/associations.resolvers';
import { associationsInternalRoutes } from './associations/associations.routes';
import { AssociationsService } from './associations/associations.service';
import { AuthRepository } from './auth/auth.repository';
import { authResolvers } from './auth/auth.resolvers';
import { AuthService, type AuthSettings } from './auth/auth.service';
import { PasswordGuard } from './auth/password-guard';
import type { MembersContext } from './context';
import { CommitteesRepository } from './committees/committees.repository';
import { committeesResolvers } from './committees/committees.resolvers';
import { CommitteesService } from './committees/committees.service';
import { createCommitteesLoaders } from './committees/committees.loaders';
import { HousingRepository } from './housing/housing.repository';
import { housingResolvers } from './housing/housing.resolvers';
import { HousingService } from './housing/housing.service';
import { createHousingLoaders } from './housing/housing.loaders';
import { ImportsRepository } from './imports/imports.repository';
import { importsResolvers } from './imports/imports.resolvers';
import { ImportsService } from './imports/imports.service';
import { InvitationsRepository } from './invitations/invitations.repository';
import { invitationsResolvers } from './invitations/invitations.resolvers';
import { InvitationsService } from './invitations/invitations.service';
import { createReadRecorder } from './members/access-log';
import { AccessLogRepository } from './members/access-log.repository';
import { readerOf } from './members/members.access';
import { createMembersLoaders } from './members/members.loaders';
import { MembersRepository } from './members/members.repository';
import { membersResolvers } from './members/members.resolvers';
import { MembersService } from './members/members.service';
import { PortraitsRepository } from './members/portraits.repository';
import { PORTRAITS_ROUTE, PortraitsService } from './members/portraits.service';
import { privacyStatesLookup } from './members/privacy-states.loaders';
import { suspensionRequests } from './members/suspension-requests';
import { PrivacyRepository } from './privacy/privacy.repository';
import { privacyInternalRoutes } from './privacy/privacy.routes';
import { PrivacyService } from './privacy/privacy.service';
import { statisticsRoutes } from './statistics/statistics.routes';
import { RecipientsRepository } from './notifications/recipients.repository';
import { notificationsInternalRoutes } from './notifications/recipients.routes';
import { ReferencesRepository } from './references/references.repository';
import { referencesInternalRoutes } from './references/references.routes';
import { SupportRepository } from './support/support.repository';
import { supportResolvers } from './support/support.resolvers';
import { supportInternalRoutes } from './support/support.routes';
import { MAX_SUPPORT_MINUTES, SupportService } from './support/support.service';
import { TermsRepository } from './terms/terms.repository';
import { termsResolvers } from './terms/terms.resolvers';
import { TermsService } from './terms/terms.service';

const root = path.resolve(__dirname, '..');

export interface MembersDependencies {
  database: DatabaseConnection;
  store: FastStore;
  jwtPrivateKey: string;
  /** The access tokens' `kid` (JWT_KEY_ID); by default the public key's JWK thumbprint (decision 0054). */
  jwtKeyId?: string | null;
  auth?: Partial<AuthSettings>;
  /** Hosts portraits may come from (PORTRAIT_HOSTS); none by default. */
  portraitHosts?: readonly string[];
  /** The clock support sessions open, expire and log by; tests move it. */
  now?: () => Date;
  /**
   * The privacy subgraph's consents and restrictions (kit privacy-states.ts), which decide what the directory shows;
   * without it nobody has consented to showing anything and nobody is restricted (tests).
   */
  privacyStates?: PrivacyStatesLoader;
  /** Where uploaded portraits are stored (decision 0047); FILE_STORAGE and its settings by default, as posts' files. */
  fileStorage?: FileStorage;
}

export interface MembersSubgraph extends SubgraphModule<MembersContext> {
  auth: AuthService;
  members: MembersService;
  housing: HousingService;
  committees: CommitteesService;
  invitations: InvitationsService;
  agreements: AgreementsService;
  imports: ImportsService;
  apiKeys: ApiKeysService;
  support: SupportService;
  associations: AssociationsService;
  terms: TermsService;
  portraits: PortraitsService;
  /** For demo data, imports and tests that arrange data directly. */
  repositories: {
    members: MembersRepository;
    housing: HousingRepository;
    committees: CommitteesRepository;
    accessLog: AccessLogRepository;
    terms: TermsRepository;
  };
}

export const DEFAULT_AUTH_SETTINGS: AuthSettings = {
  accessTokenTtlSeconds: 15 * 60,
  refreshTokenTtlSeconds: 30 * 24 * 3600,
  // Decision 0003: a pair or an address is locked out for a while, an account is only ever slowed down.
  maxFailedLoginsPerAddressAndEmail: 5,
  maxFailedLoginsPerAddress: 50,
  maxFailedLoginsPerAccountPerMinute: 10,
  maxFailedPasswordChecksPerSession: 5,
  lockoutSeconds: 15 * 60,
  deviceTokenTtlSeconds: 365 * 24 * 3600,
};

/** Wires the members subgraph: repositories on its own schema, services, and the request context. */
export async function createMembersSubgraph(deps: MembersDependencies): Promise<MembersSubgraph> {
  const db = deps.database.forSubgraph('members', path.join(root, 'migrations'));
  const repository = new MembersRepository(db);
  const housingRepository = new HousingRepository(db);
  const committeesRepository = new CommitteesRepository(db);
  const accessLog = new AccessLogRepository(db);
  const settings = { ...DEFAULT_AUTH_SETTINGS, ...deps.auth };
  // As long as the last access token issued can live, with a minute for clocks that disagree.
  const revocations = new RevocationWriter(deps.store, settings.accessTokenTtlSeconds + 60);
  const tokenSigner = await AccessTokenSigner.fromPem(deps.jwtPrivateKey, deps.jwtKeyId);
  const auth = new AuthService(new AuthRepository(db), tokenSigner, new PasswordGuard(deps.store, deps.jwtPrivateKey, settings), settings, revocations);
  const members = new MembersService(repository, auth, deps.portraitHosts);
  const portraitsRepository = new PortraitsRepository(db);
  // Served under the gateway's `portraits` prefix, signed with members' own key (decision 0047).
  const portraits = new PortraitsService(
    portraitsRepository,
    members,
    deps.fileStorage ?? fileStorageFromEnv(),
    new UrlSigner(() => portraitsRepository.signingKey(), { route: PORTRAITS_ROUTE }),
    deps.store,
  );
  const housing = new HousingService(housingRepository);
  const committees = new CommitteesService(committeesRepository);
  const invitations = new InvitationsService(new InvitationsRepository(db), auth);
  const imports = new ImportsService(new ImportsRepository(db));
  const apiKeys = new ApiKeysService(new ApiKeysRepository(db));
  const support = new SupportService(
    new SupportRepository(db),
    tokenSigner,
    // A closed support session's token can live until the session would have ended.
    new RevocationWriter(deps.store, MAX_SUPPORT_MINUTES * 60 + 60),
    deps.now,
  );
  // Terminations take effect at midnight in each association's zone; one filed for today is completed at once.
  const terminationSweep = new PeriodicJob('termination-sweep', 60_000, () => agreements.completeDueTerminations(), createLogger('members'));
  const agreements = new AgreementsService(new AgreementsRepository(db), revocations, undefined, () => terminationSweep.nudge());
  const termsRepository = new TermsRepository(db);
  const terms = new TermsService(termsRepository);
  const associations = new AssociationsService(new AssociationsRepository(db), terms);
  const services = { auth, members, housing, committees, invitations, imports, apiKeys, support, associations, terms, portraits };
  const privacyStates = deps.privacyStates ? await PrivacyStatesReader.open(deps.store, deps.privacyStates) : null;
  const logger = createLogger('members');
  const definition: MembersSubgraph['definition'] = {
    name: 'members',
    typeDefs: parse(readFileSync(path.join(root, 'schema.graphql'), 'utf8')),
    resolvers: [
      membersResolvers,
      housingResolvers,
      committeesResolvers,
      invitationsResolvers,
      importsResolvers,
      authResolvers,
      apiKeysResolvers,
      supportResolvers,
      agreementsResolvers,
      associationsResolvers,
      termsResolvers,
    ],
    createContext: (request) => ({
      ...request,
      loaders: {
        ...createMembersLoaders(repository, readerOf(request.viewer)),
        ...createHousingLoaders(housingRepository, readerOf(request.viewer)),
        ...createCommitteesLoaders(committeesRepository, readerOf(request.viewer)),
      },
      recordRead: createReadRecorder(accessLog, request.viewer),
      privacyStates: privacyStatesLookup(privacyStates, logger, request.requestId),
      ...services,
      agreements,
    }),
    isReady: () => deps.database.ping(),
    publicRoutes: { [PORTRAITS_ROUTE]: (request) => portraits.download(request) },
    internalRoutes: {
      ...apiKeysInternalRoutes(apiKeys),
      ...supportInternalRoutes(support),
      ...associationsInternalRoutes(associations),
      ...notificationsInternalRoutes(new RecipientsRepository(db)),
      ...referencesInternalRoutes(new ReferencesRepository(db)),
      ...privacyInternalRoutes(new PrivacyService(new PrivacyRepository(db), revocations, portraits), db),
      ...statisticsRoutes(db),
    },
  };
  return {
    definition,
    migrate: () => db.migrate(),
    backgroundJobs: (stream) => [
      new OutboxRelay(db, stream),
      // Terms end at midnight in each association's zone; a sweep every few minutes announces them soon after.
      new PeriodicJob('board-term-sweep', 5 * 60_000, () => committees.announceEndedBoardTerms(), createLogger('members')),
      // Portrait bytes a failed storage left queued (decision 0047 review fix 2) are tried again every few minutes.
      new PeriodicJob('portrait-deletions', 5 * 60_000, () => portraits.removeQueued(null), createLogger('members')),
      suspensionRequests(stream, db, members),
      terminationSweep,
      // Nothing to run: stopping closes the reader's subscription to privacy's announcements.
      { start: () => undefined, stop: async () => void (await privacyStates?.close()) },
    ],
    ...services,
    agreements,
    repositories: { members: repository, housing: housingRepository, committees: committeesRepository, accessLog, terms: termsRepository },
  };
}
