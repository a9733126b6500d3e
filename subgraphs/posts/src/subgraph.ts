import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  createLogger,
  lowerCaseEnumValues,
  OutboxRelay,
  PeriodicJob,
  PrivacyStatesReader,
  ReminderSweep,
  retentionJob,
  type MemberReferences,
  type PrivacyStatesLoader,
  type SubgraphDefinition,
  type SubgraphModule,
  type SubgraphProcessDependencies,
} from '@tunet/kit';
import { parse } from 'graphql';
import type { PostsContext } from './context';
import { LOWER_CASE_ENUMS } from './tables';
import { createEventsLoaders } from './events/events.loaders';
import { EventsRepository } from './events/events.repository';
import { eventsResolvers } from './events/events.resolvers';
import { EventsService } from './events/events.service';
import { createCommentsLoaders } from './comments/comments.loaders';
import { CommentsRepository } from './comments/comments.repository';
import { commentsResolvers } from './comments/comments.resolvers';
import { CommentsService } from './comments/comments.service';
import { createPostsLoaders } from './posts/posts.loaders';
import { PostsRepository } from './posts/posts.repository';
import { postsResolvers } from './posts/posts.resolvers';
import { PostsService } from './posts/posts.service';
import { ConductRepository } from './conduct/conduct.repository';
import { conductResolvers } from './conduct/conduct.resolvers';
import { ConductService } from './conduct/conduct.service';
import { createModerationLoaders } from './moderation/moderation.loaders';
import { ModerationRepository } from './moderation/moderation.repository';
import { moderationResolvers } from './moderation/moderation.resolvers';
import { ModerationService } from './moderation/moderation.service';
import { AudienceReferences } from './audiences/audience-references';
import type { GroupMembershipSource } from './audiences/audiences';
import { createGroupsLoaders } from './groups/groups.loaders';
import { GroupsRepository } from './groups/groups.repository';
import { groupsResolvers } from './groups/groups.resolvers';
import { GroupsService } from './groups/groups.service';
import { CalendarRepository } from './calendar/calendar.repository';
import { calendarResolvers } from './calendar/calendar.resolvers';
import { calendarRevocations } from './calendar/calendar.revocations';
import { CalendarService } from './calendar/calendar.service';
import { CALENDAR_ROUTE, calendarFeedsOf } from './calendar/calendar.tokens';
import { createDocumentsLoaders } from './documents/documents.loaders';
import { DocumentsRepository } from './documents/documents.repository';
import { documentsResolvers } from './documents/documents.resolvers';
import { DocumentsService } from './documents/documents.service';
import { createFilesLoaders } from './files/files.loaders';
import { FilesRepository } from './files/files.repository';
import { filesResolvers } from './files/files.resolvers';
import { FilesService } from './files/files.service';
import { fileStorageFromEnv, UrlSigner, type FileStorage } from '@tunet/kit';
import { GroupMembersRepository } from './notifications/group-members.repository';
import { notificationsInternalRoutes } from './notifications/group-members.routes';
import { PrivacyRepository } from './privacy/privacy.repository';
import { privacyRoutes } from './privacy/privacy.routes';
import { PrivacyService, SOFT_DELETED_PURGE } from './privacy/privacy.service';
import { statisticsRoutes } from './statistics/statistics.routes';
import { NO_RESTRICTIONS, restrictionsFrom } from './privacy/restrictions';

const root = path.resolve(__dirname, '..');

export interface PostsSubgraph extends SubgraphModule<PostsContext> {
  posts: PostsService;
  repository: PostsRepository;
  comments: CommentsService;
  commentsRepository: CommentsRepository;
  moderation: ModerationService;
  moderationRepository: ModerationRepository;
  conduct: ConductService;
  conductRepository: ConductRepository;
  events: EventsService;
  eventsRepository: EventsRepository;
  groups: GroupsService;
  groupsRepository: GroupsRepository;
  calendar: CalendarService;
  files: FilesService;
  filesRepository: FilesRepository;
  documents: DocumentsService;
  documentsRepository: DocumentsRepository;
  privacy: PrivacyService;
}

/**
 * What the subgraph is built from: the process's connections and the gateway signing secret, from which the key
 * of calendar feed tokens is derived. Without the secret (tests) the key is random, and feed URLs last as long
 * as the process. Uploads go to `fileStorage`, else to the storage the environment names (files/storage.ts).
 * `memberReferences` says which members, buildings and committees exist in an association (members' internal
 * route in production), so audiences, committee groups and group members name only the association's own.
 */
export type PostsDependencies = SubgraphProcessDependencies & {
  internalSecret?: string;
  fileStorage?: FileStorage;
  memberReferences: MemberReferences;
  /**
   * The privacy subgraph's restrictions (kit privacy-states.ts): what a restricted person writes is withheld from
   * others. Without it nobody is restricted (tests).
   */
  privacyStates?: PrivacyStatesLoader;
};

/** Wires the posts subgraph: the repository on its own schema, the service, and the request context. */
export async function createPostsSubgraph(deps: PostsDependencies): Promise<PostsSubgraph> {
  const db = deps.database.forSubgraph('posts', path.join(root, 'migrations'));
  const groupsRepository = new GroupsRepository(db);
  const groups = new GroupsService(groupsRepository, deps.memberReferences);
  const repository = new PostsRepository(db);
  const groupMemberships: GroupMembershipSource = groups;
  const conductRepository = new ConductRepository(db);
  const conduct = new ConductService(conductRepository);
  const audienceReferences = new AudienceReferences(deps.memberReferences, groups);
  const privacyStates = deps.privacyStates ? await PrivacyStatesReader.open(deps.store, deps.privacyStates) : null;
  const restrictions = privacyStates ? restrictionsFrom(privacyStates) : NO_RESTRICTIONS;
  const posts = new PostsService(repository, groupMemberships, conduct, audienceReferences, restrictions);
  const commentsRepository = new CommentsRepository(db);
  const comments = new CommentsService(commentsRepository, conduct, restrictions);
  const moderationRepository = new ModerationRepository(db);
  const moderation = new ModerationService(moderationRepository);
  const eventsRepository = new EventsRepository(db);
  const events = new EventsService(eventsRepository, undefined, restrictions);
  const calendar = new CalendarService(new CalendarRepository(db), calendarFeedsOf(db, deps.internalSecret));
  const filesRepository = new FilesRepository(db);
  const fileStorage = deps.fileStorage ?? fileStorageFromEnv();
  const files = new FilesService(filesRepository, fileStorage, new UrlSigner(() => filesRepository.signingKey()), restrictions);
  const privacy = new PrivacyService(new PrivacyRepository(db), fileStorage, db, events);
  const documentsRepository = new DocumentsRepository(db);
  const documents = new DocumentsService(documentsRepository, audienceReferences, restrictions);
  const typeDefs = parse(readFileSync(path.join(root, 'schema.graphql'), 'utf8'));
  const definition: SubgraphDefinition<PostsContext> = {
    name: 'posts',
    typeDefs,
    resolvers: [
      lowerCaseEnumValues(typeDefs, Object.keys(LOWER_CASE_ENUMS)),
      postsResolvers,
      commentsResolvers,
      eventsResolvers,
      groupsResolvers,
      calendarResolvers,
      moderationResolvers,
      conductResolvers,
      filesResolvers,
      documentsResolvers,
    ],
    createContext: (request) => ({
      ...request,
      loaders: { ...createPostsLoaders(repository, request.viewer, groupMemberships), ...createEventsLoaders(eventsRepository, request.viewer) },
      posts,
      commentLoaders: createCommentsLoaders(commentsRepository, request.viewer),
      comments,
      moderationLoaders: createModerationLoaders(moderationRepository, request.viewer),
      moderation,
      conduct,
      events,
      groupLoaders: createGroupsLoaders(groupsRepository, request.viewer),
      groups,
      calendar,
      fileLoaders: createFilesLoaders(filesRepository, request.viewer),
      files,
      documentLoaders: createDocumentsLoaders(documentsRepository, request.viewer, groupMemberships),
      documents,
    }),
    publicRoutes: { [CALENDAR_ROUTE]: (request) => calendar.feed(request.path), files: (request) => files.download(request) },
    isReady: () => deps.database.ping(),
    internalRoutes: { ...notificationsInternalRoutes(new GroupMembersRepository(db)), ...privacyRoutes(privacy, db), ...statisticsRoutes(db) },
  };
  return {
    definition,
    migrate: () => db.migrate(),
    backgroundJobs: (stream) => [
      new OutboxRelay(db, stream),
      // Scheduled posts are announced within half a minute of their publish time.
      new PeriodicJob('post-announcer', 30_000, () => posts.announceDuePosts(), createLogger('posts')),
      // event.reminder_due, 24 hours before an event starts
      new ReminderSweep('event-reminders', events),
      calendarRevocations(stream, db, calendar),
      // Uploads never attached are deleted a day after upload; hourly is soon enough for that.
      new PeriodicJob('unattached-file-purge', 3_600_000, () => files.purgeUnattached(), createLogger('posts')),
      // Images from before their variants were recorded are measured once, batch after batch, from the start.
      new PeriodicJob('file-size-backfill', 3_600_000, () => files.measureUnmeasured(), createLogger('posts')),
      // Deleted posts, comments and documents are gone, files included, within 180 days of their deletion.
      retentionJob(db, SOFT_DELETED_PURGE, (now) => privacy.purgeSoftDeleted(now), createLogger('posts')),
      // Nothing to run: stopping closes the reader's subscription to privacy's announcements.
      { start: () => undefined, stop: async () => void (await privacyStates?.close()) },
    ],
    posts,
    repository,
    comments,
    commentsRepository,
    moderation,
    moderationRepository,
    conduct,
    conductRepository,
    events,
    eventsRepository,
    groups,
    groupsRepository,
    calendar,
    files,
    filesRepository,
    documents,
    documentsRepository,
    privacy,
  };
}
