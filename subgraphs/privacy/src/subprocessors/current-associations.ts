import { postInternalRoute, refuse } from '@tunet/kit';
import type { GraphQLError } from 'graphql';
import { z } from 'zod';

/** Members' signed route listing every association not terminated (docs/decisions/0040). */
export const CURRENT_ASSOCIATIONS_ROUTE = 'associations/current';

const answerSchema = z.object({ associations: z.array(z.object({ associationId: z.guid(), name: z.string() })) });
export type CurrentAssociation = z.infer<typeof answerSchema>['associations'][number];

/** The associations the provider's announcements go to: every one not terminated. */
export interface CurrentAssociations {
  list(): Promise<CurrentAssociation[]>;
}

/** Asks members on every call (an association onboarded a second ago is told too), before any transaction. */
export class SignedCurrentAssociations implements CurrentAssociations {
  constructor(
    private readonly membersGraphqlUrl: () => string,
    private readonly internalSecret: string,
  ) {}

  async list(): Promise<CurrentAssociation[]> {
    let response: Response;
    try {
      response = await postInternalRoute({
        graphqlUrl: this.membersGraphqlUrl(),
        route: CURRENT_ASSOCIATIONS_ROUTE,
        internalSecret: this.internalSecret,
        payload: { kind: 'associations.current' },
        timeoutMs: 10_000,
      });
    } catch {
      throw membersUnavailable();
    }
    if (!response.ok) throw new Error(`${CURRENT_ASSOCIATIONS_ROUTE} answered HTTP ${response.status}`);
    return answerSchema.parse(await response.json()).associations;
  }
}

/** The code the gateway gives for a subgraph that did not answer: nothing was announced or recorded; retry. */
export function membersUnavailable(): GraphQLError {
  return refuse('ASSOCIATIONS_UNCHECKED', { serviceName: 'members' });
}
