import { postInternalRoute } from '@tunet/kit';
import { z } from 'zod';
import { membersUnavailable } from '../subprocessors/current-associations';

/** Members' signed route with an association's registry data (issue 13's contract, docs/decisions/0033). */
export const ASSOCIATION_PROFILE_ROUTE = 'associations/profile';

const profileSchema = z.object({ name: z.string(), orgNumber: z.string().nullable(), contactEmail: z.string().nullable(), timeZone: z.string() });
export type ControllerProfile = z.infer<typeof profileSchema>;

/** The association as controller: its name, organisation number and contact e-mail from members' registry. */
export interface ControllerProfiles {
  profile(associationId: string): Promise<ControllerProfile | null>;
}

export class SignedControllerProfiles implements ControllerProfiles {
  constructor(
    private readonly membersGraphqlUrl: () => string,
    private readonly internalSecret: string,
  ) {}

  async profile(associationId: string): Promise<ControllerProfile | null> {
    let response: Response;
    try {
      response = await postInternalRoute({
        graphqlUrl: this.membersGraphqlUrl(),
        route: ASSOCIATION_PROFILE_ROUTE,
        internalSecret: this.internalSecret,
        payload: { associationId },
        timeoutMs: 10_000,
      });
    } catch {
      throw membersUnavailable();
    }
    if (response.status === 404) return null;
    if (!response.ok) throw new Error(`${ASSOCIATION_PROFILE_ROUTE} answered HTTP ${response.status}`);
    return profileSchema.parse(await response.json());
  }
}
