import { DEMO_OPERATOR_EMAIL } from '@tunet/members';
import { accessTokens, openE2E, type E2E } from './e2e.fixtures';

/**
 * Onboarding through the gateway (decision 0033): the operator who creates an association reads, in the same answer,
 * the first board member it invited — although an operator belongs to no association and reads nothing inside one.
 */
describe('onboarding an association', () => {
  let e2e: E2E;
  let operator: string;

  beforeAll(async () => {
    e2e = await openE2E();
    ({ operator } = await accessTokens(e2e, { operator: DEMO_OPERATOR_EMAIL }));
  });
  afterAll(() => e2e.close());

  it('answers createAssociation with the invitation and its member, not an internal error after the commit', async () => {
    const created = await e2e.gql<{ createAssociation: { invitation: { email: string; member: { displayName: string } } } }>(
      `mutation ($i: CreateAssociationInput!) {
        createAssociation(input: $i) { association { name } invitation { email status member { id displayName } } }
      }`,
      {
        i: {
          name: 'Medlemsvis borettslag',
          orgNumber: '922000077',
          street: 'Medlemsveien 2',
          postalCode: '0150',
          city: 'Oslo',
          contactEmail: 'styret@medlemsvis.example',
          firstBoardMember: { displayName: 'Mona Medlem', email: 'mona@medlemsvis.example' },
          termsAcceptance: { version: '2026-01', acceptedBy: 'Mona Medlem' },
        },
      },
      operator,
    );
    expect(created.errors).toBeUndefined();
    expect(created.data!.createAssociation.invitation).toMatchObject({ email: 'mona@medlemsvis.example', member: { displayName: 'Mona Medlem' } });
  });
});
