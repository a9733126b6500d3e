import type { AssociationProfile, AssociationProfiles } from './association-profiles';

/** A complete, active association's registry data, as members would answer for it; override what a test needs. */
export function associationProfile(associationId: string, overrides: Partial<AssociationProfile> = {}): AssociationProfile {
  return {
    associationId,
    name: 'Solbakken borettslag',
    orgNumber: '914778271',
    postalAddress: { street: 'Solbakken 1', postalCode: '0570', city: 'Oslo' },
    contactEmail: 'styret@solbakken.example',
    timeZone: 'Europe/Oslo',
    locale: 'nb',
    status: 'active',
    legalDetailsComplete: true,
    ...overrides,
  };
}

/** Members' registry in a billing test: the profiles a test set; any other id is no association. */
export class StaticAssociationProfiles implements AssociationProfiles {
  readonly profiles = new Map<string, AssociationProfile>();

  set(profile: AssociationProfile): void {
    this.profiles.set(profile.associationId, profile);
  }

  async profile(associationId: string): Promise<AssociationProfile | null> {
    return this.profiles.get(associationId) ?? null;
  }
}
