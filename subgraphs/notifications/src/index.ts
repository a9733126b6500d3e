export { createNotificationsSubgraph, type NotificationsSubgraph, type NotificationsDependencies } from './subgraph';
export { MembersDirectory } from './directory/members-directory';
export { configFromEnv, type NotificationsConfig } from './config';
export type { Directory } from './model';
export { loadOrCreateVapidKeys } from './push/vapid-keys';
