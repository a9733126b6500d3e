import { DEMO } from '@tunet/members';
import { DateTime } from 'luxon';
import {
  codes,
  matrixCaller,
  matrixTests,
  openE2E,
  type E2E,
  type MatrixCall,
  type Outcome,
  OPERATOR_MATRIX_ACTORS,
  operatorMatrixTokens,
  type OperatorMatrixActor,
} from './e2e.fixtures';

/**
 * Who may do what in the billing subgraph, through the gateway: every billing query and mutation × every kind of
 * caller. Each cell is the first error code, or OK. Solbakken is the target; "other association" is Fjordly's board,
 * the integrator an API key of Solbakken's board with MEMBERS_READ, the platform operator the demo operator (no
 * membership anywhere, no support session: billing is the provider's own business with the association). Before each
 * call the target add-on is put back in the state the operation needs, so every cell meets the same situation.
 */
const ACTORS = OPERATOR_MATRIX_ACTORS;
type Actor = OperatorMatrixActor;

describe('billing access matrix', () => {
  let e2e: E2E;
  const tokens: Partial<Record<Actor, string>> = {};
  let call: MatrixCall<Actor>;
  const trialEnd = DateTime.now().setZone('Europe/Oslo').plus({ days: 30 }).toISODate()!;
  const target = (feature: string) => ({ i: { associationId: DEMO.solbakken, feature } });

  const ENABLE = 'mutation ($i: EnableFeatureInput!) { enableFeature(input: $i) { subscription { id status } } }';
  const DISABLE = 'mutation ($i: DisableFeatureInput!) { disableFeature(input: $i) { subscription { id status } } }';
  const asOperator = (query: string, variables: Record<string, unknown>) => e2e.gql(query, variables, tokens['platform operator']);
  /** An open, renewing subscription of `feature` (a trial, so nothing is invoiced): a fresh one when `fresh`. */
  const ensureOpen = async (feature: string, fresh = false) => {
    if (fresh) await ensureClosed(feature);
    const result = await asOperator(ENABLE, { i: { associationId: DEMO.solbakken, feature, trialEndsOn: trialEnd } });
    if (result.errors && codes(result)[0] !== 'CONFLICT') throw new Error(`setup: ${JSON.stringify(result.errors)}`);
  };
  /** No open subscription of `feature`. */
  const ensureClosed = async (feature: string) => {
    const result = await asOperator(DISABLE, { i: { associationId: DEMO.solbakken, feature, reason: 'test setup' } });
    if (result.errors && codes(result)[0] !== 'NOT_FOUND') throw new Error(`setup: ${JSON.stringify(result.errors)}`);
  };
  /** Solbakken as each caller reaches it: members through `association`, the operator through the association list. */
  const readAssociation = (actor: Actor, fields: string) =>
    actor === 'platform operator'
      ? call(actor, `query ($s: String) { associations(search: $s) { nodes { ${fields} } } }`, { s: '987654325' })
      : call(actor, `query ($id: ID!) { association(id: $id) { ${fields} } }`, { id: DEMO.solbakken });

  beforeAll(async () => {
    e2e = await openE2E();
    call = matrixCaller(e2e, tokens);
    Object.assign(tokens, await operatorMatrixTokens(e2e));
    // The demo's extra-storage invoice is overdue, and a board in arrears subscribes to nothing (decision 0032): the
    // operator records it paid, so the matrix sees who may subscribe rather than the arrears.
    const overdue = await asOperator('query ($s: String) { associations(search: $s) { nodes { invoices(status: OVERDUE) { nodes { id } } } } }', {
      s: '987654325',
    });
    const ids = (overdue.data as { associations: { nodes: { invoices: { nodes: { id: string }[] } }[] } }).associations.nodes[0]!.invoices.nodes;
    const today = DateTime.now().setZone('Europe/Oslo').toISODate()!;
    const PAY = 'mutation ($i: MarkInvoicePaidInput!) { markInvoicePaid(input: $i) { invoice { id } } }';
    for (const { id } of ids) await asOperator(PAY, { i: { invoiceId: id, paidOn: today } });
  });
  afterAll(() => e2e?.close());

  const operations: Record<string, (actor: Actor) => Promise<Outcome>> = {
    features: (actor) => call(actor, 'query { features { key name { nb en } priceOre entitlements { key kind value } withdrawnOn } }'),
    'Association.entitlements': (actor) => readAssociation(actor, 'entitlements { features limits { key value } }'),
    'Association.subscriptions': (actor) => readAssociation(actor, 'subscriptions { id status priceOre feature { key } }'),
    'Association.billingAudit': (actor) => readAssociation(actor, 'billingAudit(first: 5) { nodes { action before after } pageInfo { hasNextPage } }'),
    enableFeature: async (actor) => {
      await ensureClosed('sms');
      return call(actor, ENABLE, { i: { associationId: DEMO.solbakken, feature: 'sms', trialEndsOn: trialEnd } });
    },
    disableFeature: async (actor) => {
      await ensureOpen('sms');
      return call(actor, DISABLE, { i: { associationId: DEMO.solbakken, feature: 'sms', reason: 'Avtalt med styret' } });
    },
    subscribeToFeature: async (actor) => {
      await ensureClosed('extraStorage');
      return call(actor, 'mutation ($i: SubscribeToFeatureInput!) { subscribeToFeature(input: $i) { subscription { status } } }', target('extraStorage'));
    },
    cancelSubscription: async (actor) => {
      await ensureOpen('sms', true);
      return call(actor, 'mutation ($i: CancelSubscriptionInput!) { cancelSubscription(input: $i) { subscription { autoRenew } } }', target('sms'));
    },
    // Last: a withdrawn add-on takes no new subscriptions. Refused callers meet the same announcement as the operator.
    announceFeatureWithdrawal: (actor) =>
      call(actor, 'mutation ($i: AnnounceFeatureWithdrawalInput!) { announceFeatureWithdrawal(input: $i) { withdrawal { id notifiedAssociations } } }', {
        i: { feature: 'operationsCenter', endsOn: DateTime.now().setZone('Europe/Oslo').plus({ months: 4 }).toISODate() },
      }),
  };

  // anonymous, resident, board, other association, integrator, platform operator
  matrixTests(ACTORS, operations, {
    features: ['UNAUTHENTICATED', 'OK', 'OK', 'OK', 'OK', 'OK'],
    // members refuses Solbakken to Fjordly's board before billing is asked
    'Association.entitlements': ['UNAUTHENTICATED', 'OK', 'OK', 'NOT_FOUND', 'FORBIDDEN', 'OK'],
    'Association.subscriptions': ['UNAUTHENTICATED', 'FORBIDDEN', 'OK', 'NOT_FOUND', 'FORBIDDEN', 'OK'],
    'Association.billingAudit': ['UNAUTHENTICATED', 'FORBIDDEN', 'OK', 'NOT_FOUND', 'FORBIDDEN', 'OK'],
    enableFeature: ['UNAUTHENTICATED', 'FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN', 'OK'],
    disableFeature: ['UNAUTHENTICATED', 'FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN', 'OK'],
    subscribeToFeature: ['UNAUTHENTICATED', 'FORBIDDEN', 'OK', 'FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN'],
    // the operator records a cancellation the board sent in writing
    cancelSubscription: ['UNAUTHENTICATED', 'FORBIDDEN', 'OK', 'FORBIDDEN', 'FORBIDDEN', 'OK'],
    announceFeatureWithdrawal: ['UNAUTHENTICATED', 'FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN', 'OK'],
  });
});
