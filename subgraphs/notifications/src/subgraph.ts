import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  createLogger,
  DateTimeResolver,
  EntitlementsReader,
  entitlementsSchema,
  lowerCaseEnumValues,
  personalDataRoutes,
  postInternalRoute,
  PrivacyStatesReader,
  CONSENT_PURPOSES,
  publicRouteWithPost,
  type BackgroundJob,
  type PrivacyStatesLoader,
  type SubgraphDatabase,
  type SubgraphDefinition,
  type SubgraphModule,
  type SubgraphProcessDependencies,
} from '@tunet/kit';
import { parse } from 'graphql';
import { ClosuresRepository } from './closures/closures.repository';
import { configFromEnv, type NotificationsConfig } from './config';
import type { NotificationsContext } from './context';
import { createDeliveriesLoaders } from './deliveries/deliveries.loaders';
import { DeliveriesRepository } from './deliveries/deliveries.repository';
import { deliveriesResolvers } from './deliveries/deliveries.resolvers';
import { DeliveriesService } from './deliveries/deliveries.service';
import { DevicesRepository } from './devices/devices.repository';
import { devicesResolvers } from './devices/devices.resolvers';
import { DevicesService } from './devices/devices.service';
import { createInboxLoaders } from './inbox/inbox.loaders';
import { InboxRepository } from './inbox/inbox.repository';
import { inboxResolvers } from './inbox/inbox.resolvers';
import { InboxService } from './inbox/inbox.service';
import { openInboxFeed, type LiveInboxFeed } from './live/inbox-feed';
import { LiveRepository } from './live/live.repository';
import { LiveService } from './live/live.service';
import { inboxStreamRoute } from './live/live.stream';
import { DeliveryRepository } from './dispatch/delivery.repository';
import { Dispatcher } from './dispatch/dispatcher';
import { DigestJob } from './email/digest.job';
import { DigestRepository } from './email/digest.repository';
import { EmailChannel, type EmailLinks } from './email/email.channel';
import { EmailTransport } from './email/email-transport';
import { UnsubscribeService, UnsubscribeTokens } from './email/unsubscribe';
import { IngestRepository } from './ingest/ingest.repository';
import { IngestService } from './ingest/ingest.service';
import { notificationEvents } from './ingest/notification-events';
import { LOWER_CASE_ENUMS, type ChannelSender, type Directory } from './model';
import { createPushAndSmsChannels } from './push/channels';
import { intentsFor, NOTIFICATION_TOPICS } from './rules/notification.rules';
import { PreferencesRepository } from './preferences/preferences.repository';
import { PrivacyRepository } from './privacy/privacy.repository';
import { PrivacyService } from './privacy/privacy.service';
import { preferencesResolvers } from './preferences/preferences.resolvers';
import { PreferencesService } from './preferences/preferences.service';
import { SmsGate, type EntitlementsSource } from './sms/sms-gate';
import { SmsQuotaRepository } from './sms/sms-quota.repository';
import { SmsUsageService } from './sms/sms-usage.service';
import { smsResolvers } from './sms/sms.resolvers';

const root = path.resolve(__dirname, '..');

/**
 * What the subgraph is built from: the process's connections, the gateway signing secret (which also signs its
 * calls to members, posts and billing, and keys unsubscribe links), where recipients are looked up, and the providers.
 */
export type NotificationsDependencies = SubgraphProcessDependencies & {
  internalSecret: string;
  directory: Directory;
  /**
   * Where billing answers what an association may use (its `/graphql` URL), for the SMS add-on and quota. Without
   * it (or `entitlements`) no association subscribes to SMS, and no text message is sent.
   */
  billingUrl?: () => string;
  /** Billing's answers given directly, in place of asking `billingUrl` (tests). */
  entitlements?: EntitlementsSource;
  /** Privacy's consents and restrictions (decision 0038): a restricted person gets only messages that must reach them. */
  privacyStates?: PrivacyStatesLoader;
  config?: Partial<NotificationsConfig>;
  now?: () => Date;
};

/** Billing's internal route: an association's entitlements. */
export const ENTITLEMENTS_ROUTE = 'entitlements';

export interface NotificationsSubgraph extends SubgraphModule<NotificationsContext> {
  db: SubgraphDatabase;
  config: NotificationsConfig;
  preferencesRepository: PreferencesRepository;
  devicesRepository: DevicesRepository;
  inbox: InboxService;
  inboxRepository: InboxRepository;
  preferences: PreferencesService;
  devices: DevicesService;
  /** New notifications and unread counts pushed to the members' open web clients (the gateway's /graphql/stream). */
  live: LiveInboxFeed;
  /** Turns events into stored notifications and queued deliveries. */
  ingest: IngestService;
  /** Sends queued deliveries; runs as a background job, `runOnce` for tests and the benchmark. */
  dispatcher: Dispatcher;
  digest: DigestJob;
  /** Closes the providers' connections and stops hearing billing's announcements (after the background jobs stop). */
  closeChannels(): Promise<void>;
}

/** Wires the notifications subgraph: repositories on its own schema, services, channels and background work. */
export async function createNotificationsSubgraph(deps: NotificationsDependencies): Promise<NotificationsSubgraph> {
  const db = deps.database.forSubgraph('notifications', path.join(root, 'migrations'));
  const config = { ...configFromEnv(), ...deps.config };
  const live = openInboxFeed(deps.store);
  const preferencesRepository = new PreferencesRepository(db);
  const devicesRepository = new DevicesRepository(db);
  const unsubscribeTokens = new UnsubscribeTokens(deps.internalSecret);
  const emailLinks: EmailLinks = {
    webAppOrigin: config.webAppOrigin,
    publicOrigin: config.publicOrigin,
    unsubscribeToken: (scope) => unsubscribeTokens.tokenFor(scope),
  };
  const emailTransport = new EmailTransport(config.email, createLogger('notifications-email'));
  const channels = createPushAndSmsChannels(config, devicesRepository, createLogger('notifications-push'));
  const senders: ChannelSender[] = [new EmailChannel(emailTransport, emailLinks), channels.push, channels.sms];
  const reader = deps.entitlements ? null : await entitlementsReader(deps);
  const smsQuotaRepository = new SmsQuotaRepository(db);
  const smsGate = new SmsGate(deps.entitlements ?? reader, deps.directory, smsQuotaRepository, deps.now);
  const privacyStates = deps.privacyStates ? await PrivacyStatesReader.open(deps.store, deps.privacyStates) : null;
  const restrictions = privacyStates ? async (associationId: string) => new Set(Object.keys((await privacyStates.read(associationId)).restricted)) : undefined;
  const dispatcher = new Dispatcher(new DeliveryRepository(db), senders, smsGate, { restrictions });
  const digest = new DigestJob(new DigestRepository(db), emailTransport, emailLinks, createLogger('notifications-digest'), {}, deps.now);
  const ingest = new IngestService({
    directory: deps.directory,
    intentsFor,
    repository: new IngestRepository(db),
    preferences: preferencesRepository,
    devices: devicesRepository,
    senders,
    feed: live,
    onQueued: () => dispatcher.nudge(),
    now: deps.now,
    restrictions,
    newsletterConsents: privacyStates
      ? async (associationId) =>
          new Set(
            Object.entries((await privacyStates.read(associationId)).consents).flatMap(([memberId, keys]) =>
              keys.includes(CONSENT_PURPOSES.newsletters) ? [memberId] : [],
            ),
          )
      : undefined,
  });
  const unsubscribe = new UnsubscribeService(unsubscribeTokens, preferencesRepository, config.webAppOrigin);
  const inboxRepository = new InboxRepository(db);
  const deliveriesRepository = new DeliveriesRepository(db);
  const inbox = new InboxService(inboxRepository, live);
  const deliveries = new DeliveriesService(deliveriesRepository);
  const preferences = new PreferencesService(preferencesRepository, deps.directory, channels.sms.available);
  const devices = new DevicesService(devicesRepository, channels);
  const smsUsage = new SmsUsageService(smsQuotaRepository, smsGate);
  const closeChannels = async () => {
    emailTransport.close();
    await channels.push.close();
    await reader?.close();
    await privacyStates?.close();
  };
  const typeDefs = parse(readFileSync(path.join(root, 'schema.graphql'), 'utf8'));
  const definition: SubgraphDefinition<NotificationsContext> = {
    name: 'notifications',
    typeDefs,
    resolvers: [
      { DateTime: DateTimeResolver },
      lowerCaseEnumValues(typeDefs, Object.keys(LOWER_CASE_ENUMS)),
      inboxResolvers,
      deliveriesResolvers,
      preferencesResolvers,
      devicesResolvers,
      smsResolvers,
    ],
    createContext: (request) => ({
      ...request,
      inbox,
      inboxLoaders: createInboxLoaders(inboxRepository, request.viewer),
      deliveries,
      deliveryLoaders: createDeliveriesLoaders(deliveriesRepository, request.viewer),
      preferences,
      devices,
      smsUsage,
    }),
    isReady: () => deps.database.ping(),
    publicRoutes: {
      unsubscribe: publicRouteWithPost(
        (request) => unsubscribe.page(request),
        (request) => unsubscribe.submit(request),
      ),
    },
    streamRoutes: { inbox: inboxStreamRoute(new LiveService(live, new LiveRepository(db))) },
    internalRoutes: personalDataRoutes(new PrivacyService(new PrivacyRepository(db)), db),
  };
  return {
    definition,
    migrate: () => db.migrate(),
    backgroundJobs: (stream) => [
      notificationEvents(stream, db, ingest, NOTIFICATION_TOPICS, {}, new ClosuresRepository(db)),
      // The transports close once nothing sends through them any more.
      new Together([dispatcher, digest], closeChannels),
    ],
    db,
    config,
    preferencesRepository,
    devicesRepository,
    inbox,
    inboxRepository,
    preferences,
    devices,
    live,
    ingest,
    dispatcher,
    digest,
    closeChannels,
  };
}

/** Billing's entitlements through the kit's cache, which billing's announcements keep current; null without billing. */
async function entitlementsReader(deps: NotificationsDependencies): Promise<EntitlementsReader | null> {
  const billingUrl = deps.billingUrl;
  if (!billingUrl) return null;
  return EntitlementsReader.open(deps.store, async (associationId) => {
    const response = await postInternalRoute({
      graphqlUrl: billingUrl(),
      route: ENTITLEMENTS_ROUTE,
      internalSecret: deps.internalSecret,
      payload: { associationId },
      timeoutMs: 10_000,
    });
    if (!response.ok) throw new Error(`billing's ${ENTITLEMENTS_ROUTE} answered HTTP ${response.status}`);
    return entitlementsSchema.parse(await response.json());
  });
}

/** Jobs started and stopped as one, with `afterStop` once all have stopped. */
class Together implements BackgroundJob {
  constructor(
    private readonly jobs: readonly BackgroundJob[],
    private readonly afterStop: () => Promise<void>,
  ) {}

  start(): void {
    for (const job of this.jobs) job.start();
  }

  async stop(): Promise<void> {
    await Promise.all(this.jobs.map((job) => job.stop()));
    await this.afterStop();
  }
}
