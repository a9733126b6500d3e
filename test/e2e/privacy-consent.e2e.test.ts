import { DEMO } from '@tunet/members';
import {
  accessTokens,
  codes,
  matrixCaller,
  matrixTests,
  openE2E,
  OPERATOR_MATRIX_ACTORS,
  operatorMatrixTokens,
  setupStep,
  type E2E,
  type MatrixCall,
  type OperatorMatrixActor,
  type Outcome,
} from './e2e.fixtures';

/**
 * Consent, restriction and privacy notices through the gateway (decision 0038): a withdrawal hides the directory
 * field on the very next request, a restriction hides the person from the residents' directory; then who may call
 * each operation. Every operation acts in the caller's own association, so Fjordly's board ("other association")
 * manages Fjordly's register and notice, and finds no Solbakken member to restrict.
 */
describe('privacy consent', () => {
  let e2e: E2E;
  let people: Record<'ola' | 'per' | 'kari', string>;

  const PHONE = 'query ($id: ID!) { member(id: $id) { phone email } }';
  const DIRECTORY = 'query { directory(first: 100) { nodes { id } } }';
  const GRANT = 'mutation ($i: GrantConsentInput!) { grantConsent(input: $i) { granted textVersion purpose { key } } }';
  const WITHDRAW = 'mutation ($i: WithdrawConsentInput!) { withdrawConsent(input: $i) { granted } }';
  const RESTRICT = 'mutation ($i: ProcessingRestrictionInput!) { restrictProcessing(input: $i) { restricted actor member { id } } }';
  const LIFT = 'mutation ($i: ProcessingRestrictionInput!) { liftProcessingRestriction(input: $i) { restricted actor } }';

  beforeAll(async () => {
    e2e = await openE2E();
    people = await accessTokens(e2e, { ola: 'ola@solbakken.example', per: 'per@solbakken.example', kari: 'kari@solbakken.example' });
    await setupStep(e2e, people.ola, 'mutation { updateMyProfile(input: { phone: "+47 912 34 567" }) { member { id } } }');
  });
  afterAll(() => e2e?.close());

  const phoneSeenBy = async (token: string) => (await setupStep<{ member: { phone: string | null } }>(e2e, token, PHONE, { id: DEMO.ola })).member.phone;
  const listedFor = async (token: string) =>
    (await setupStep<{ directory: { nodes: { id: string }[] } }>(e2e, token, DIRECTORY)).directory.nodes.map((n) => n.id);

  it("a withdrawal hides the directory field at once: grant → a neighbour sees the phone → withdraw → the very next request doesn't", async () => {
    const purposes = await setupStep<{ privacyPurposes: { key: string; version: number; lawfulBasis: string }[] }>(
      e2e,
      people.ola,
      'query { privacyPurposes { key version lawfulBasis } }',
    );
    const contact = purposes.privacyPurposes.find((p) => p.key === 'directory_contact')!;
    expect(contact.lawfulBasis).toBe('CONSENT');
    expect(await phoneSeenBy(people.per)).toBeNull();
    expect(await phoneSeenBy(people.kari)).toBe('+47 912 34 567');

    await setupStep(e2e, people.ola, GRANT, { i: { purpose: 'directory_contact', textVersion: contact.version } });
    expect(await phoneSeenBy(people.per)).toBe('+47 912 34 567');

    await setupStep(e2e, people.ola, WITHDRAW, { i: { purpose: 'directory_contact' } });
    expect(await phoneSeenBy(people.per)).toBeNull();
    expect(await phoneSeenBy(people.kari)).toBe('+47 912 34 567');

    const refused = await e2e.gql('mutation { updateMyProfile(input: { visibility: { phone: RESIDENTS } }) { member { id } } }', {}, people.ola);
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'visibility.phone' });
  });

  it('a restriction hides the person from the residents’ directory at once, not from the board, until lifted', async () => {
    expect(await listedFor(people.per)).toContain(DEMO.ola);
    await setupStep(e2e, people.ola, RESTRICT, { i: { reason: 'Jeg bestrider opplysningene.' } });
    expect(await listedFor(people.per)).not.toContain(DEMO.ola);
    expect(await listedFor(people.kari)).toContain(DEMO.ola);
    const list = await setupStep<{ processingRestrictions: { member: { id: string }; actor: string }[] }>(
      e2e,
      people.kari,
      'query { processingRestrictions { member { id } actor reason } }',
    );
    expect(list.processingRestrictions).toEqual([{ member: { id: DEMO.ola }, actor: 'SELF', reason: 'Jeg bestrider opplysningene.' }]);

    // She set it herself, so only she lifts it (art. 18(3)); the board is refused.
    const byBoard = await e2e.gql(LIFT, { i: { memberId: DEMO.ola, reason: 'Opplysningene er rettet.' } }, people.kari);
    expect(codes(byBoard)).toEqual(['CONFLICT']);
    await setupStep(e2e, people.ola, LIFT, { i: { reason: 'Opplysningene er rettet.' } });
    expect(await listedFor(people.per)).toContain(DEMO.ola);
  });

  describe('access matrix', () => {
    const tokens: Partial<Record<OperatorMatrixActor, string>> = {};
    let call: MatrixCall<OperatorMatrixActor>;
    const ola = { i: { memberId: DEMO.ola, reason: 'Matrisetest' } };
    /** Ola's restriction as the operation needs it, set or lifted by the board (a repeat is CONFLICT, which is fine). */
    const olaRestricted = async (restricted: boolean) => {
      let result = await e2e.gql(restricted ? RESTRICT : LIFT, ola, tokens.board);
      // A restriction Ola set herself (the resident's cell) is hers to lift, not the board's (art. 18(3)).
      if (!restricted && codes(result)[0] === 'CONFLICT') result = await e2e.gql(LIFT, { i: { reason: 'Matrisetest' } }, tokens.resident);
      if (result.errors && codes(result)[0] !== 'CONFLICT') throw new Error(`setup: ${JSON.stringify(result.errors)}`);
    };
    const text = (what: string) => ({ nb: `${what} (nb)`, en: what });

    beforeAll(async () => {
      call = matrixCaller(e2e, tokens);
      Object.assign(tokens, await operatorMatrixTokens(e2e));
    });

    const operations: Record<string, (actor: OperatorMatrixActor) => Promise<Outcome>> = {
      privacyPurposes: (actor) => call(actor, 'query { privacyPurposes { key name { nb en } lawfulBasis dataCategories retention { nb } version builtIn } }'),
      myConsents: (actor) => call(actor, 'query { myConsents { consents { purpose { key } granted changedAt textVersion } history { purpose granted at } } }'),
      myRestriction: (actor) => call(actor, 'query { myRestriction { inForce { reason at } history { restricted actor } } }'),
      processingRestrictions: (actor) => call(actor, 'query { processingRestrictions { member { id } reason actor at } }'),
      privacyNotice: (actor) => call(actor, 'query { privacyNotice { version text { nb en } lastChangedOn material } }'),
      grantConsent: (actor) => call(actor, GRANT, { i: { purpose: 'newsletters', textVersion: 1 } }),
      withdrawConsent: (actor) => call(actor, WITHDRAW, { i: { purpose: 'newsletters' } }),
      restrictProcessing: async (actor) => {
        await olaRestricted(false);
        return call(actor, RESTRICT, ola);
      },
      liftProcessingRestriction: async (actor) => {
        await olaRestricted(true);
        return call(actor, LIFT, ola);
      },
      savePrivacyPurpose: (actor) =>
        call(actor, 'mutation ($i: SavePrivacyPurposeInput!) { savePrivacyPurpose(input: $i) { key version } }', {
          i: {
            key: 'sauna_list',
            name: text('Sauna list'),
            description: text('Who takes the sauna when.'),
            lawfulBasis: 'CONSENT',
            dataCategories: ['name'],
            retention: text('Until withdrawn.'),
          },
        }),
      publishPrivacyNotice: (actor) =>
        call(actor, 'mutation ($i: PublishPrivacyNoticeInput!) { publishPrivacyNotice(input: $i) { version lastChangedOn } }', {
          i: { text: text('How we handle personal data.'), material: false },
        }),
    };

    // anonymous, resident, board, other association, integrator, platform operator (no support session)
    matrixTests(OPERATOR_MATRIX_ACTORS, operations, {
      privacyPurposes: ['UNAUTHENTICATED', 'OK', 'OK', 'OK', 'FORBIDDEN', 'FORBIDDEN'],
      // the board sees no one's consents: a person's own only
      myConsents: ['UNAUTHENTICATED', 'OK', 'OK', 'OK', 'FORBIDDEN', 'FORBIDDEN'],
      myRestriction: ['UNAUTHENTICATED', 'OK', 'OK', 'OK', 'FORBIDDEN', 'FORBIDDEN'],
      processingRestrictions: ['UNAUTHENTICATED', 'FORBIDDEN', 'OK', 'OK', 'FORBIDDEN', 'FORBIDDEN'],
      privacyNotice: ['UNAUTHENTICATED', 'OK', 'OK', 'OK', 'FORBIDDEN', 'FORBIDDEN'],
      grantConsent: ['UNAUTHENTICATED', 'OK', 'OK', 'OK', 'FORBIDDEN', 'FORBIDDEN'],
      withdrawConsent: ['UNAUTHENTICATED', 'OK', 'OK', 'OK', 'FORBIDDEN', 'FORBIDDEN'],
      // Ola herself, her board; Fjordly's board finds no such member
      restrictProcessing: ['UNAUTHENTICATED', 'OK', 'OK', 'NOT_FOUND', 'FORBIDDEN', 'FORBIDDEN'],
      liftProcessingRestriction: ['UNAUTHENTICATED', 'OK', 'OK', 'NOT_FOUND', 'FORBIDDEN', 'FORBIDDEN'],
      savePrivacyPurpose: ['UNAUTHENTICATED', 'FORBIDDEN', 'OK', 'OK', 'FORBIDDEN', 'FORBIDDEN'],
      publishPrivacyNotice: ['UNAUTHENTICATED', 'FORBIDDEN', 'OK', 'OK', 'FORBIDDEN', 'FORBIDDEN'],
    });
  });
});
