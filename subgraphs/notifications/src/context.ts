import type { RequestContext } from '@tunet/kit';
import type { DeliveriesLoaders } from './deliveries/deliveries.loaders';
import type { DeliveriesService } from './deliveries/deliveries.service';
import type { DevicesService } from './devices/devices.service';
import type { InboxLoaders } from './inbox/inbox.loaders';
import type { InboxService } from './inbox/inbox.service';
import type { PreferencesService } from './preferences/preferences.service';
import type { SmsUsageService } from './sms/sms-usage.service';

/**
 * What every notifications resolver receives: the request (viewer, request id, client address, public origin),
 * plus each domain's loaders and services, added by the domains as they are wired in subgraph.ts.
 */
export interface NotificationsContext extends RequestContext {
  inbox: InboxService;
  inboxLoaders: InboxLoaders;
  deliveries: DeliveriesService;
  deliveryLoaders: DeliveriesLoaders;
  preferences: PreferencesService;
  devices: DevicesService;
  smsUsage: SmsUsageService;
}
