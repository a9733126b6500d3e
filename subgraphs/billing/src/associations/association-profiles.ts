import { postInternalRoute } from '@tunet/kit';
import { z } from 'zod';

/** Members' signed route with an association's registry data (issue 13's contract, docs/decisions/0033). */
export const ASSOCIATION_PROFILE_ROUTE = 'associations/profile';

export const associationProfileSchema = z.object({
  associationId: z.guid(),
  name: z.string(),
  orgNumber: z.string().nullable(),
  postalAddress: z.object({ street: z.string(), postalCode: z.string(), city: z.string() }).nullable(),
  contactEmail: z.string().nullable(),
  timeZone: z.string(),
  locale: z.string(),
  status: z.enum(['active', 'blocked', 'terminated']),
  legalDetailsComplete: z.boolean(),
});
export type AssociationProfile = z.infer<typeof associationProfileSchema>;

export interface AssociationProfiles {
  /** The association's registry data; null when no association has this id. */
  profile(associationId: string): Promise<AssociationProfile | null>;
}

/** Asks members on every call, signed like every internal call: legal details changed a second ago count. */
export class SignedAssociationProfiles implements AssociationProfiles {
  constructor(
    private readonly membersGraphqlUrl: () => string,
    private readonly internalSecret: string,
  ) {}

  async profile(associationId: string): Promise<AssociationProfile | null> {
    const response = await postInternalRoute({
      graphqlUrl: this.membersGraphqlUrl(),
      route: ASSOCIATION_PROFILE_ROUTE,
      internalSecret: this.internalSecret,
      payload: { associationId },
      timeoutMs: 10_000,
    });
    if (response.status === 404) return null;
    if (!response.ok) throw new Error(`${ASSOCIATION_PROFILE_ROUTE} answered HTTP ${response.status}`);
    return associationProfileSchema.parse(await response.json());
  }
}
