import type { RequestContext } from '@tunet/kit';
import type { EventsLoaders } from './events/events.loaders';
import type { EventsService } from './events/events.service';
import type { CommentsLoaders } from './comments/comments.loaders';
import type { CommentsService } from './comments/comments.service';
import type { PostsLoaders } from './posts/posts.loaders';
import type { PostsService } from './posts/posts.service';
import type { ConductService } from './conduct/conduct.service';
import type { ModerationLoaders } from './moderation/moderation.loaders';
import type { ModerationService } from './moderation/moderation.service';
import type { GroupsLoaders } from './groups/groups.loaders';
import type { GroupsService } from './groups/groups.service';
import type { CalendarService } from './calendar/calendar.service';
import type { DocumentsLoaders } from './documents/documents.loaders';
import type { DocumentsService } from './documents/documents.service';
import type { FilesLoaders } from './files/files.loaders';
import type { FilesService } from './files/files.service';

/** What every posts resolver receives: the request (viewer, request id, client address), loaders and the service. */
export interface PostsContext extends RequestContext {
  loaders: PostsLoaders & EventsLoaders;
  events: EventsService;
  posts: PostsService;
  commentLoaders: CommentsLoaders;
  comments: CommentsService;
  moderationLoaders: ModerationLoaders;
  moderation: ModerationService;
  conduct: ConductService;
  groupLoaders: GroupsLoaders;
  groups: GroupsService;
  calendar: CalendarService;
  fileLoaders: FilesLoaders;
  files: FilesService;
  documentLoaders: DocumentsLoaders;
  documents: DocumentsService;
}
