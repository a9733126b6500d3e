import path from 'node:path';
import { allowedOriginsFromEnv, callerLimitsFromEnv, startGateway, type GatewayOptions, type SubgraphTimeouts } from '@tunet/gateway';
import {
  createLogger,
  openEventStream,
  SignedMemberReferences,
  loadPrivacyStatesFrom,
  stopAll,
  startSubgraphServer,
  startMetricsServer,
  unwatchStreamGroups,
  watchStreamGroups,
  type DatabaseConnection,
  type FastStore,
  type EventStream,
  type Logger,
  type RunningServer,
  type FileStorage,
  type Secrets,
} from '@tunet/kit';
import { createBillingSubgraph, loadDemoBilling, SignedAssociationProfiles, type BillingSubgraph } from '@tunet/billing';
import { createMembersSubgraph, DEMO, loadDemoData, type MembersSubgraph } from '@tunet/members';
import { createPostsSubgraph, loadDemoPosts, type PostsSubgraph } from '@tunet/posts';
import { createPrivacySubgraph, type PrivacySubgraph } from '@tunet/privacy';
import {
  createOperationsSubgraph,
  loadDemoBookingLink,
  loadDemoMaintenance,
  loadDemoServiceRequests,
  loadDemoWork,
  type OperationsSubgraph,
} from '@tunet/operations';
import { createNotificationsSubgraph, MembersDirectory, type NotificationsConfig, type NotificationsSubgraph } from '@tunet/notifications';
import { createReservationsSubgraph, DEMO_RESOURCES, loadDemoReservations, type DemoResident, type ReservationsSubgraph } from '@tunet/reservations';

export interface StackOptions {
  database: DatabaseConnection;
  store: FastStore;
  secrets: Secrets;
  /** Port per process; 0 picks a free one. */
  ports?: {
    gateway: number;
    members: number;
    posts: number;
    reservations: number;
    notifications: number;
    billing: number;
    privacy: number;
    operations: number;
  };
  host?: string;
  introspection?: boolean;
  demoData?: boolean;
  /**
   * Whether the subgraphs' background jobs start (default true). Off, the outbox keeps what the demo load wrote for
   * the stacks started on a copy of this database (the tests' template database, decision 0035).
   */
  backgroundJobs?: boolean;
  /** Access-token lifetime etc.; tests shorten them. */
  auth?: Parameters<typeof createMembersSubgraph>[0]['auth'];
  /** How long the gateway trusts a verified API key (default 60 s); tests shorten it to see revocation take effect. */
  apiKeyCacheSeconds?: number;
  /** The gateway's express `trust proxy`; tests set it to give requests client addresses with `x-forwarded-for`. */
  trustProxy?: boolean | string | number;
  /** Where the gateway reaches a subgraph instead of the one started here: tests put a stand-in behind it. */
  gatewaySubgraphUrls?: Partial<Stack['subgraphUrls']>;
  /** How long the gateway waits for each subgraph's answer (default 10 s). */
  subgraphTimeouts?: SubgraphTimeouts;
  /** The gateway's circuit breakers (decision 0055); tests shorten the cool-down. */
  breaker?: GatewayOptions['breaker'];
  /** The gateway's per-caller request limits (decision 0053); by default from RATE_LIMIT_*_PER_MINUTE or built in. */
  callerLimits?: GatewayOptions['callerLimits'];
  /** Where uploads go; by default what FILE_STORAGE names (files under ./.data/files). Tests use a temporary directory. */
  fileStorage?: FileStorage;
  /**
   * The privacy subgraph's requests job interval (default PRIVACY_JOB_INTERVAL_MS, else 30 s), and where it reaches a
   * subgraph instead of the one started here: tests put a proxy in front to stop and restart it.
   */
  privacy?: { jobIntervalMs?: number; subgraphUrls?: Partial<Stack['subgraphUrls']> };
  /** SMTP, push and SMS providers; by default what the environment says (e-mails to the log without SMTP_URL). */
  notifications?: Partial<NotificationsConfig>;
  /** Serves the process's Prometheus metrics (one registry for the whole stack) on this port; 0 picks one. Off when unset. */
  metricsPort?: number;
  logger?: Logger;
}

export interface Stack {
  /** The event stream the subgraphs' outboxes relay to, for consumers and tests. */
  stream: EventStream;
  gatewayUrl: string;
  subgraphUrls: { members: string; posts: string; reservations: string; notifications: string; billing: string; privacy: string; operations: string };
  members: MembersSubgraph;
  posts: PostsSubgraph;
  reservations: ReservationsSubgraph;
  notifications: NotificationsSubgraph;
  billing: BillingSubgraph;
  privacy: PrivacySubgraph;
  operations: OperationsSubgraph;
  demoLoaded: boolean;
  /**
   * Stops one subgraph's HTTP server while the rest of its process runs on (database, jobs), as an outage of that
   * subgraph looks to its callers: its connections are cut, requests in flight included, as in a crash. `restart`
   * starts it again on the same port (once, however often it is called).
   */
  outage(name: keyof Stack['subgraphUrls']): Promise<{ restart(): Promise<void> }>;
  /** Where `GET /metrics` answers, when `metricsPort` was given. */
  metricsUrl?: string;
  /** Stops the gateway (readiness off for `delayMs` first, see RunningServer), then the subgraphs and jobs. */
  stop(delayMs?: number): Promise<void>;
}

const SUPERGRAPH = path.resolve(__dirname, '../../../schema/supergraph.graphql');

/**
 * Gateway and subgraphs in one process, on one database and fast store: each subgraph still has its own
 * Postgres schema and role, its own port, and is reached only through signed HTTP calls from the gateway.
 */
export async function startStack(options: StackOptions): Promise<Stack> {
  const logger = options.logger ?? createLogger('tunet');
  const ports = options.ports ?? { gateway: 0, members: 0, posts: 0, reservations: 0, notifications: 0, billing: 0, privacy: 0, operations: 0 };
  const members = await createMembersSubgraph({
    database: options.database,
    store: options.store,
    jwtPrivateKey: options.secrets.jwtPrivateKey,
    auth: options.auth,
    // Privacy's consents and restrictions, at its URL once the servers listen (decision 0038).
    privacyStates: loadPrivacyStatesFrom(() => participantUrls.privacy ?? '', options.secrets.internalSecret),
    // Uploaded portraits go where posts' files go (decision 0047).
    fileStorage: options.fileStorage,
  });
  // Members is asked over signed HTTP (recipients, references), at the URLs known once the servers listen.
  const urls = { members: '', posts: '', billing: '' };
  const posts = await createPostsSubgraph({
    database: options.database,
    store: options.store,
    internalSecret: options.secrets.internalSecret,
    fileStorage: options.fileStorage,
    memberReferences: new SignedMemberReferences(() => urls.members, options.secrets.internalSecret),
    // Whose processing is restricted: what such a person writes is shown to nobody else (decision 0038).
    privacyStates: loadPrivacyStatesFrom(() => participantUrls.privacy ?? '', options.secrets.internalSecret),
  });
  const reservations = await createReservationsSubgraph({
    database: options.database,
    store: options.store,
    internalSecret: options.secrets.internalSecret,
  });
  const notifications = await createNotificationsSubgraph({
    database: options.database,
    store: options.store,
    internalSecret: options.secrets.internalSecret,
    directory: new MembersDirectory({ members: () => urls.members, posts: () => urls.posts }, options.secrets.internalSecret),
    billingUrl: () => urls.billing,
    // Whose processing is restricted: such a person gets only messages that must reach them (decision 0038).
    privacyStates: loadPrivacyStatesFrom(() => participantUrls.privacy ?? '', options.secrets.internalSecret),
    config: options.notifications,
  });
  const billing = await createBillingSubgraph({
    database: options.database,
    store: options.store,
    associationProfiles: new SignedAssociationProfiles(() => urls.members, options.secrets.internalSecret),
  });
  const participantUrls: Record<string, string> = {};
  const privacy = await createPrivacySubgraph({
    database: options.database,
    store: options.store,
    internalSecret: options.secrets.internalSecret,
    subgraphUrls: () => participantUrls,
    fileStorage: options.fileStorage,
    jobIntervalMs: options.privacy?.jobIntervalMs,
  });
  // The operations center (decision 0041) checks units, buildings and members with members over signed routes.
  const operations = await createOperationsSubgraph({
    database: options.database,
    store: options.store,
    internalSecret: options.secrets.internalSecret,
    subgraphUrls: () => participantUrls,
    // Photos of service requests go where posts' files go (decision 0041, addendum "photos").
    fileStorage: options.fileStorage,
  });
  await members.migrate();
  await posts.migrate();
  await reservations.migrate();
  await notifications.migrate();
  await billing.migrate();
  await privacy.migrate();
  await operations.migrate();

  const serverOptions = (port: number, name: string) => ({
    port,
    host: options.host,
    internalSecret: options.secrets.internalSecret,
    // One replay cache for every subgraph here: a signed request is valid at the same path on each (decision 0054).
    store: options.store,
    logger: logger.child({ subgraph: name }),
  });
  const stream = openEventStream(options.store);
  const starters: Record<keyof Stack['subgraphUrls'], (port: number) => Promise<RunningServer>> = {
    members: (port) => startSubgraphServer(members.definition, serverOptions(port, 'members')),
    posts: (port) => startSubgraphServer(posts.definition, serverOptions(port, 'posts')),
    reservations: (port) => startSubgraphServer(reservations.definition, serverOptions(port, 'reservations')),
    notifications: (port) => startSubgraphServer(notifications.definition, serverOptions(port, 'notifications')),
    billing: (port) => startSubgraphServer(billing.definition, serverOptions(port, 'billing')),
    privacy: (port) => startSubgraphServer(privacy.definition, serverOptions(port, 'privacy')),
    operations: (port) => startSubgraphServer(operations.definition, serverOptions(port, 'operations')),
  };
  const started: RunningServer[] = [];
  try {
    const membersServer = await starters.members(ports.members);
    started.push(membersServer);
    const postsServer = await starters.posts(ports.posts);
    started.push(postsServer);
    const reservationsServer = await starters.reservations(ports.reservations);
    started.push(reservationsServer);
    const notificationsServer = await starters.notifications(ports.notifications);
    started.push(notificationsServer);
    const billingServer = await starters.billing(ports.billing);
    started.push(billingServer);
    const privacyServer = await starters.privacy(ports.privacy);
    started.push(privacyServer);
    const operationsServer = await starters.operations(ports.operations);
    started.push(operationsServer);
    const servers = {
      members: membersServer,
      posts: postsServer,
      reservations: reservationsServer,
      notifications: notificationsServer,
      billing: billingServer,
      privacy: privacyServer,
      operations: operationsServer,
    };
    const subgraphUrls = {
      members: membersServer.url,
      posts: postsServer.url,
      reservations: reservationsServer.url,
      notifications: notificationsServer.url,
      billing: billingServer.url,
      privacy: privacyServer.url,
      operations: operationsServer.url,
    };
    // Privacy asks every subgraph (itself included) for a person's data at these URLs.
    Object.assign(participantUrls, subgraphUrls, options.privacy?.subgraphUrls);
    Object.assign(urls, { members: membersServer.url, posts: postsServer.url, billing: billingServer.url });
    // Once the subgraphs listen, since demo content goes through the services, which ask privacy whether its author's
    // processing is restricted; the gateway and the jobs start after it, so nobody sees a half-loaded demo.
    const demoLoaded = options.demoData ? await loadDemo(members, posts, reservations, billing, operations) : false;
    const gateway = await startGateway({
      port: ports.gateway,
      host: options.host,
      supergraphPath: SUPERGRAPH,
      subgraphUrls: { ...subgraphUrls, ...options.gatewaySubgraphUrls },
      jwtPublicKey: options.secrets.jwtPublicKey,
      internalSecret: options.secrets.internalSecret,
      introspection: options.introspection ?? false,
      store: options.store,
      apiKeyCacheSeconds: options.apiKeyCacheSeconds,
      trustProxy: options.trustProxy,
      subgraphTimeouts: options.subgraphTimeouts,
      breaker: options.breaker,
      allowedOrigins: allowedOriginsFromEnv(process.env),
      callerLimits: options.callerLimits ?? callerLimitsFromEnv(process.env),
      logger: logger.child({ component: 'gateway' }),
    });
    started.unshift(gateway);
    const jobs = [
      ...members.backgroundJobs(stream),
      ...posts.backgroundJobs(stream),
      ...reservations.backgroundJobs(stream),
      ...notifications.backgroundJobs(stream),
      ...billing.backgroundJobs(stream),
      ...privacy.backgroundJobs(stream),
      ...operations.backgroundJobs(stream),
    ];
    // Made even when not started: stopping them releases what the subgraphs opened for them.
    if (options.backgroundJobs !== false) for (const job of jobs) job.start();
    const metrics = options.metricsPort === undefined ? undefined : await startMetricsServer(options.metricsPort, options.host);
    if (metrics) watchStreamGroups(options.store);
    return {
      stream,
      metricsUrl: metrics?.url,
      gatewayUrl: gateway.url,
      subgraphUrls,
      members,
      posts,
      reservations,
      notifications,
      billing,
      privacy,
      operations,
      demoLoaded,
      outage: async (name) => {
        const server = servers[name];
        await (server.kill ?? server.stop).call(server);
        let restarted: Promise<void> | undefined;
        return {
          // Once, however often it is called: a second server on the port would be left running.
          restart: () =>
            (restarted ??= (async () => {
              if (servers[name] !== server) return;
              servers[name] = await starters[name](server.port);
              started[started.indexOf(server)] = servers[name];
            })()),
        };
      },
      // The gateway stops first so no new subgraph calls start while subgraphs drain.
      stop: async (delayMs) => {
        for (const server of started) await server.stop(server === gateway ? delayMs : 0);
        await stopAll(jobs);
        await metrics?.stop();
        unwatchStreamGroups(options.store);
      },
    };
  } catch (error) {
    await Promise.all(started.map((server) => server.stop()));
    throw error;
  }
}

/**
 * The demo committee's id is assigned by members' demo loader, so it is looked up by name; null in a database
 * whose members were not loaded from the demo.
 */
async function festkomiteen(members: MembersSubgraph): Promise<string | null> {
  const committees = await members.repositories.committees.listCommittees(DEMO.solbakken);
  return committees.find((committee) => committee.name === 'Festkomiteen')?.id ?? null;
}

/** Blokk A's id, like the committee's, comes from members' demo loader; null outside the demo. */
async function blokkA(members: MembersSubgraph): Promise<string | null> {
  const buildings = await members.repositories.housing.listBuildings(DEMO.solbakken);
  return buildings.find((building) => building.name === 'Blokk A')?.id ?? null;
}

async function loadDemo(
  members: MembersSubgraph,
  posts: PostsSubgraph,
  reservations: ReservationsSubgraph,
  billing: BillingSubgraph,
  operations: OperationsSubgraph,
): Promise<boolean> {
  const loaded = await loadDemoData(members);
  await loadDemoPosts(posts, {
    solbakkenBoard: DEMO.kari,
    solbakkenResident: DEMO.ola,
    fjordlyBoard: DEMO.eva,
    associations: { solbakken: DEMO.solbakken, fjordly: DEMO.fjordly },
    solbakkenNeighbour: DEMO.per,
    solbakkenBlokkA: await blokkA(members),
    solbakkenMembers: [DEMO.kari, DEMO.ola, DEMO.ingrid, DEMO.aase, DEMO.per, DEMO.jonas],
    groups: {
      solbakken: DEMO.solbakken,
      kari: DEMO.kari,
      ola: DEMO.ola,
      aase: DEMO.aase,
      per: DEMO.per,
      ingrid: DEMO.ingrid,
      festkomiteen: await festkomiteen(members),
    },
  });
  await loadDemoReservations(reservations, {
    association: DEMO.solbakken,
    residents: [await homeOf(members, DEMO.ola), await homeOf(members, DEMO.per), await homeOf(members, DEMO.aase)],
  });
  await loadDemoBilling(billing, { solbakken: DEMO.solbakken, operator: DEMO.operator });
  await loadDemoMaintenance(operations.db, { association: DEMO.solbakken, board: DEMO.kari, caretaker: DEMO.jonas });
  const requestsLoaded = await loadDemoServiceRequests(operations.db, {
    association: DEMO.solbakken,
    board: DEMO.kari,
    ola: await homeWithBuilding(members, DEMO.ola),
    aase: await homeWithBuilding(members, DEMO.aase),
  });
  // The demo's party-room booking is Aase's (the third resident above); a request about the room is linked to it.
  const partyRoom = await reservations.bookingsRepository.findByIdempotencyKey(DEMO.solbakken, DEMO.aase, `demo-${DEMO_RESOURCES.partyRoom}`);
  if (requestsLoaded && partyRoom) {
    await loadDemoBookingLink(operations.db, { association: DEMO.solbakken, board: DEMO.kari, booking: { id: partyRoom.id, bookerMemberId: DEMO.aase } });
  }
  await loadDemoWork(operations.db, { association: DEMO.solbakken, board: DEMO.kari, caretaker: DEMO.jonas, ola: DEMO.ola });
  return loaded;
}

/** A demo resident's unit and its building, for the service requests they reported about their home. */
async function homeWithBuilding(members: MembersSubgraph, memberId: string): Promise<{ memberId: string; unitId: string; buildingId: string }> {
  const { unitId } = await homeOf(members, memberId);
  const [unit] = await members.repositories.housing.findUnits(DEMO.solbakken, [unitId]);
  return { memberId, unitId, buildingId: unit!.buildingId };
}

/** The unit a demo resident lives in, from members' demo loader, so their bookings count against that household. */
async function homeOf(members: MembersSubgraph, memberId: string): Promise<DemoResident> {
  const [tenure] = await members.repositories.housing.tenuresOf(DEMO.solbakken, 'member', [memberId], true);
  if (!tenure) throw new Error(`demo member ${memberId} has no home`);
  return { memberId, unitId: tenure.unitId };
}
