import { DEMO } from '@tunet/members';
import { todayIn } from '@tunet/kit';
import {
  matrixCaller,
  matrixTests,
  openE2E,
  setupStep,
  type E2E,
  type MatrixCall,
  type Outcome,
  OPERATOR_MATRIX_ACTORS,
  operatorMatrixTokens,
  type OperatorMatrixActor,
} from './e2e.fixtures';

/**
 * Who may see an association's invoices and record a payment, through the gateway: each cell is the first error code,
 * or OK. Solbakken is the target; its demo extra-storage invoice is unpaid and overdue, so every caller meets the
 * same invoice and only the last, the platform operator, pays it. The actors are those of billing-access.e2e.test.ts.
 */
const ACTORS = OPERATOR_MATRIX_ACTORS;
type Actor = OperatorMatrixActor;

describe('billing invoices access matrix', () => {
  let e2e: E2E;
  const tokens: Partial<Record<Actor, string>> = {};
  let call: MatrixCall<Actor>;
  let overdueInvoice: string;

  /** Solbakken as each caller reaches it: members through `association`, the operator through the association list. */
  const readAssociation = (actor: Actor, fields: string) =>
    actor === 'platform operator'
      ? call(actor, `query ($s: String) { associations(search: $s) { nodes { ${fields} } } }`, { s: '987654325' })
      : call(actor, `query ($id: ID!) { association(id: $id) { ${fields} } }`, { id: DEMO.solbakken });

  beforeAll(async () => {
    e2e = await openE2E();
    call = matrixCaller(e2e, tokens);
    Object.assign(tokens, await operatorMatrixTokens(e2e));
    const data = await setupStep<{ association: { invoices: { nodes: { id: string }[] } } }>(
      e2e,
      tokens.board,
      'query ($id: ID!) { association(id: $id) { invoices(status: OVERDUE) { nodes { id } } } }',
      { id: DEMO.solbakken },
    );
    overdueInvoice = data.association.invoices.nodes[0]!.id;
  });
  afterAll(() => e2e?.close());

  const operations: Record<string, (actor: Actor) => Promise<Outcome>> = {
    'Association.invoices': (actor) =>
      readAssociation(actor, 'invoices(first: 5) { nodes { id feature { key } amountOre issuedOn dueOn paidOn overdue status } pageInfo { hasNextPage } }'),
    markInvoicePaid: (actor) =>
      call(actor, 'mutation ($i: MarkInvoicePaidInput!) { markInvoicePaid(input: $i) { invoice { status } } }', {
        i: { invoiceId: overdueInvoice, paidOn: todayIn('Europe/Oslo') },
      }),
  };

  // anonymous, resident, board, other association, integrator, platform operator
  matrixTests(ACTORS, operations, {
    // members refuses Solbakken to Fjordly's board before billing is asked
    'Association.invoices': ['UNAUTHENTICATED', 'FORBIDDEN', 'OK', 'NOT_FOUND', 'FORBIDDEN', 'OK'],
    markInvoicePaid: ['UNAUTHENTICATED', 'FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN', 'OK'],
  });
});
