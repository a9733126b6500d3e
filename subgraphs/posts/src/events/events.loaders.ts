import type DataLoader from 'dataloader';
import { groupLoader, tenantLoader, type Viewer } from '@tunet/kit';
import { canReadEvents } from './events.access';
import type { EventRow, EventsRepository, SignupRow } from './events.repository';

export interface EventsLoaders {
  /** Events of the viewer's own association only; anyone else's id, and any id for non-members, load as null. */
  eventById: DataLoader<string, EventRow | null>;
  /**
   * Every sign-up of an event, in sign-up order. Seats, the waitlist, the viewer's sign-up and the board's list
   * all derive from it, so an event page costs one query however many of those fields it asks for.
   */
  signupsByEvent: DataLoader<string, SignupRow[]>;
}

/** Per-request loaders; a viewer who may not read events gets loaders that find nothing. */
export function createEventsLoaders(repository: EventsRepository, viewer: Viewer | null): EventsLoaders {
  const reader = viewer?.associationId && canReadEvents(viewer, viewer.associationId) ? viewer : null;
  return {
    eventById: tenantLoader(reader, (tenant, ids) => repository.findEvents(tenant, ids)),
    signupsByEvent: groupLoader(
      reader,
      (tenant, ids) => repository.findSignups(tenant, ids),
      (s) => s.eventId,
    ),
  };
}
