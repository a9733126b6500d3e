import { PRIVACY_STATES_ROUTE, privacyStatesRequestSchema, processRoute, type InternalRoute } from '@tunet/kit';
import type { ConsentsRepository } from './consents.repository';

/** Every subgraph's reader asks here (kit privacy-states.ts): the association's restrictions and consents in force. */
export function consentRoutes(repository: ConsentsRepository): Record<string, InternalRoute> {
  return { [PRIVACY_STATES_ROUTE]: processRoute(privacyStatesRequestSchema, (body) => repository.states(body.associationId)) };
}
