import { DEMO } from '@tunet/members';
import { DateTime } from 'luxon';
import {
  matrixCaller,
  matrixTests,
  openE2E,
  tag,
  type E2E,
  type MatrixCall,
  type Outcome,
  OPERATOR_MATRIX_ACTORS,
  operatorMatrixTokens,
  type OperatorMatrixActor,
} from './e2e.fixtures';

/**
 * Who may onboard associations and handle the terms of service, through the gateway: every new operation × every
 * kind of caller (docs/decisions/0033). Solbakken is the target; the resident is Ola, the board Kari, "other
 * association" Fjordly's board, the integrator an API key of Solbakken's with MEMBERS_READ, and the platform
 * operator the demo operator, an account with the platform flag and no membership (decision 0030).
 */
const ACTORS = OPERATOR_MATRIX_ACTORS;
type Actor = OperatorMatrixActor;

/** Valid organisation numbers no demo association has, one per actor, so only a refusal can stop a creation. */
const ORG_NUMBERS: Record<Actor, string> = {
  anonymous: '922000018',
  resident: '922000026',
  board: '922000034',
  'other association': '922000042',
  integrator: '922000050',
  'platform operator': '922000069',
};

describe('associations and terms access matrix', () => {
  let e2e: E2E;
  const tokens: Partial<Record<Actor, string>> = {};
  let call: MatrixCall<Actor>;

  beforeAll(async () => {
    e2e = await openE2E();
    call = matrixCaller(e2e, tokens);
    Object.assign(tokens, await operatorMatrixTokens(e2e));
  });
  afterAll(() => e2e.close());

  /** Two months ahead in Oslo: always past the one-month notice. */
  const effectiveOn = () => DateTime.now().setZone('Europe/Oslo').plus({ months: 2 }).toISODate();
  const TERMS = 'terms { current { version } currentAccepted accepted { version acceptedBy recordedBy } pending { effectiveOn } mustAcceptBy }';

  const operations: Record<string, (actor: Actor) => Promise<Outcome>> = {
    associations: (a) => call(a, '{ associations(first: 5) { nodes { id name orgNumber status createdAt terminatedOn } pageInfo { endCursor } } }'),
    createAssociation: (a) =>
      call(a, 'mutation ($i: CreateAssociationInput!) { createAssociation(input: $i) { association { id createdAt } invitation { id } } }', {
        i: {
          name: `Matrise ${a}`,
          orgNumber: ORG_NUMBERS[a],
          street: 'Matriseveien 1',
          postalCode: '0150',
          city: 'Oslo',
          contactEmail: `styret@${tag(a)}.example`,
          firstBoardMember: { displayName: 'Første Styremedlem', email: `leder@${tag(a)}.example` },
          termsAcceptance: { version: '2026-01', acceptedBy: 'Første Styremedlem' },
        },
      }),
    publishTermsVersion: (a) =>
      call(a, 'mutation ($i: PublishTermsVersionInput!) { publishTermsVersion(input: $i) { terms { version } announcedTo } }', {
        i: {
          version: `matrise-${tag(a)}`,
          effectiveOn: effectiveOn(),
          url: 'https://tunet.example/vilkar/matrise',
          summaryNb: 'Prøve.',
          summaryEn: 'Trial.',
        },
      }),
    acceptTerms: (a) =>
      call(a, 'mutation ($a: ID!) { acceptTerms(input: { associationId: $a, version: "2026-01" }) { acceptance { acceptedAt } } }', {
        a: DEMO.solbakken,
      }),
    termsVersions: (a) => call(a, '{ termsVersions { version effectiveOn url summaryNb summaryEn publishedAt } }'),
    // The operator reaches Solbakken through the registry (no support session); the others through `association`.
    'Association.terms': (a) =>
      a === 'platform operator'
        ? call(a, `{ associations(search: "987654325") { nodes { ${TERMS} } } }`)
        : call(a, `query ($id: ID!) { association(id: $id) { ${TERMS} } }`, { id: DEMO.solbakken }),
  };

  const U = 'UNAUTHENTICATED';
  const F = 'FORBIDDEN';
  const N = 'NOT_FOUND';
  // prettier-ignore
  const expected: Record<string, Outcome[]> = {
    //                     anonymous resident board other integrator platform operator
    associations:          [U,       F,       F,    F,    F,         'OK'],
    createAssociation:     [U,       F,       F,    F,    F,         'OK'],
    publishTermsVersion:   [U,       F,       F,    F,    F,         'OK'],
    acceptTerms:           [U,       F,       'OK', N,    F,         F],
    termsVersions:         [U,       'OK',    'OK', 'OK', F,         'OK'],
    'Association.terms':   [U,       F,       'OK', N,    F,         'OK'],
  };

  matrixTests(ACTORS, operations, expected);

  it("shows the operator the association's acceptance and the board's new duty after a publication", async () => {
    const result = await e2e.gql<{ associations: { nodes: { terms: { accepted: { recordedBy: string }[]; mustAcceptBy: string | null } }[] } }>(
      `{ associations(search: "987654325") { nodes { ${TERMS} } } }`,
      {},
      tokens['platform operator'],
    );
    const [solbakken] = result.data!.associations.nodes;
    // Onboarding recorded the written acceptance of 2026-01 (the board's acceptance above returned it); the
    // operator's publication is still to be accepted.
    expect(solbakken!.terms.accepted).toEqual([expect.objectContaining({ version: '2026-01', recordedBy: 'PROVIDER' })]);
    expect(solbakken!.terms.mustAcceptBy).toBe(effectiveOn());
  });
});
