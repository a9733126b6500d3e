import { DEMO } from '@tunet/members';
import { DateTime } from 'luxon';
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
 * The processor registers through the gateway (decision 0040): every operation on sub-processors and personal-data
 * breaches × every kind of caller, Solbakken the target ("other association" is Fjordly's board, the integrator a key
 * of Solbakken's board, the operator the demo operator without a support session: the registers are the provider's).
 * Each cell is the first error code, or OK; what an operation needs (a fresh change, a fresh breach) is made by the
 * operator before every call. Then the clocks as the board and the operator see them, with a suspicion 25 hours old.
 */
const ACTORS = OPERATOR_MATRIX_ACTORS;
type Actor = OperatorMatrixActor;

const ANNOUNCE = 'mutation ($i: AnnounceSubprocessorChangeInput!) { announceSubprocessorChange(input: $i) { change { id } notifiedAssociations } }';
const RECORD = 'mutation ($i: RecordDataBreachInput!) { recordDataBreach(input: $i) { id } }';
const NOTIFY = 'mutation ($i: NotifyDataBreachInput!) { notifyDataBreach(input: $i) { id } }';
const CLOCKS = 'notices { associationId clocks { kind state dueAt doneAt } }';

describe('privacy registers access matrix and clocks', () => {
  let e2e: E2E;
  const tokens: Partial<Record<Actor, string>> = {};
  let call: MatrixCall<Actor>;
  const inDays = (days: number) => DateTime.now().setZone('Europe/Oslo').plus({ days }).toISODate()!;
  const asOperator = <T>(query: string, variables: Record<string, unknown>) => setupStep<T>(e2e, tokens['platform operator'], query, variables);
  const addition = (name: string) => ({
    change: 'ADDED',
    name,
    purposeNb: 'Sender e-post.',
    purposeEn: 'Sends e-mail.',
    country: 'Ireland (EU)',
    dataCategories: ['e-mail address', 'message text'],
    transferMechanism: 'None needed (EEA)',
    effectiveOn: inDays(20),
  });
  const freshChange = async () =>
    (await asOperator<{ announceSubprocessorChange: { change: { id: string } } }>(ANNOUNCE, { i: addition('Example mail AS') })).announceSubprocessorChange
      .change.id;
  const freshBreach = async (hoursAgo = 1) =>
    (
      await asOperator<{ recordDataBreach: { id: string } }>(RECORD, {
        i: {
          suspectedAt: new Date(Date.now() - hoursAgo * 3_600_000).toISOString(),
          description: 'A log file with e-mail addresses was readable by another customer.',
          dataCategories: ['e-mail addresses'],
          associationIds: [DEMO.solbakken],
        },
      })
    ).recordDataBreach.id;
  /** Solbakken as each caller reaches it: members through `association`, the operator through the association list. */
  const readAssociation = (actor: Actor, fields: string) =>
    actor === 'platform operator'
      ? call(actor, `query ($s: String) { associations(search: $s) { nodes { ${fields} } } }`, { s: '987654325' })
      : call(actor, `query ($id: ID!) { association(id: $id) { ${fields} } }`, { id: DEMO.solbakken });

  beforeAll(async () => {
    e2e = await openE2E();
    call = matrixCaller(e2e, tokens);
    Object.assign(tokens, await operatorMatrixTokens(e2e));
  });
  afterAll(() => e2e?.close());

  const operations: Record<string, (actor: Actor) => Promise<Outcome>> = {
    subprocessors: (actor) => call(actor, 'query { subprocessors { id name purpose { nb en } country dataCategories transferMechanism effectiveOn } }'),
    subprocessorChanges: (actor) =>
      call(actor, 'query { subprocessorChanges(first: 5) { nodes { id change effectiveOn objectionDeadline } pageInfo { hasNextPage } } }'),
    'SubprocessorChange.objections': (actor) => call(actor, 'query { subprocessorChanges(first: 1) { nodes { objections { associationId reason } } } }'),
    announceSubprocessorChange: (actor) => call(actor, ANNOUNCE, { i: addition(`Example ${actor} AS`) }),
    objectToSubprocessorChange: async (actor) => {
      const changeId = await freshChange();
      return call(actor, 'mutation ($i: ObjectToSubprocessorChangeInput!) { objectToSubprocessorChange(input: $i) { id } }', {
        i: { changeId, reason: 'Vi vil ikke ha data hos enda en leverandør.' },
      });
    },
    dataBreaches: (actor) => call(actor, `query { dataBreaches(first: 5) { nodes { id suspectedAt ${CLOCKS} } pageInfo { hasNextPage } } }`),
    recordDataBreach: (actor) =>
      call(actor, RECORD, {
        i: { suspectedAt: new Date().toISOString(), description: 'Test', dataCategories: ['names'], associationIds: [DEMO.solbakken] },
      }),
    notifyDataBreach: async (actor) => call(actor, NOTIFY, { i: { breachId: await freshBreach() } }),
    'Association.dataBreachNotices': (actor) => readAssociation(actor, 'dataBreachNotices(first: 5) { nodes { breachId clocks { kind state } } }'),
    'Association.processingRecords': (actor) =>
      readAssociation(actor, 'processingRecords { controller { name } activities { key lawfulBasis } recipients { name } markdown(language: EN) csv }'),
    'Association.usageStatistics': (actor) =>
      readAssociation(actor, 'usageStatistics { month booked { suppressed suppressionReason count population share } commented { suppressed } }'),
    platformUsageStatistics: (actor) =>
      call(actor, 'query { platformUsageStatistics { month booked { suppressed suppressionReason associations } commented { share } } }'),
    recordDataBreachAuthorityReport: async (actor) => {
      const breachId = await freshBreach();
      await asOperator(NOTIFY, { i: { breachId } });
      return call(actor, 'mutation ($i: RecordDataBreachAuthorityReportInput!) { recordDataBreachAuthorityReport(input: $i) { breachId } }', {
        i: { breachId, notReportableReason: 'Only the board’s own addresses; no risk to anyone.' },
      });
    },
  };

  // anonymous, resident, board, other association, integrator, platform operator
  matrixTests(ACTORS, operations, {
    subprocessors: ['UNAUTHENTICATED', 'OK', 'OK', 'OK', 'FORBIDDEN', 'OK'],
    subprocessorChanges: ['UNAUTHENTICATED', 'OK', 'OK', 'OK', 'FORBIDDEN', 'OK'],
    // a board sees its own association's objections, operators everyone's
    'SubprocessorChange.objections': ['UNAUTHENTICATED', 'FORBIDDEN', 'OK', 'OK', 'FORBIDDEN', 'OK'],
    announceSubprocessorChange: ['UNAUTHENTICATED', 'FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN', 'OK'],
    // Fjordly's board objects for Fjordly: every association may
    objectToSubprocessorChange: ['UNAUTHENTICATED', 'FORBIDDEN', 'OK', 'OK', 'FORBIDDEN', 'FORBIDDEN'],
    dataBreaches: ['UNAUTHENTICATED', 'FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN', 'OK'],
    recordDataBreach: ['UNAUTHENTICATED', 'FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN', 'OK'],
    notifyDataBreach: ['UNAUTHENTICATED', 'FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN', 'OK'],
    // members refuses Solbakken to Fjordly's board before privacy is asked
    'Association.dataBreachNotices': ['UNAUTHENTICATED', 'FORBIDDEN', 'OK', 'NOT_FOUND', 'FORBIDDEN', 'OK'],
    // An operator reads them only in a support session for the association (decision 0030).
    'Association.processingRecords': ['UNAUTHENTICATED', 'FORBIDDEN', 'OK', 'NOT_FOUND', 'FORBIDDEN', 'FORBIDDEN'],
    'Association.usageStatistics': ['UNAUTHENTICATED', 'FORBIDDEN', 'OK', 'NOT_FOUND', 'FORBIDDEN', 'OK'],
    platformUsageStatistics: ['UNAUTHENTICATED', 'FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN', 'FORBIDDEN', 'OK'],
    // Fjordly was not told of Solbakken's breach: nothing to record there
    recordDataBreachAuthorityReport: ['UNAUTHENTICATED', 'FORBIDDEN', 'OK', 'NOT_FOUND', 'FORBIDDEN', 'FORBIDDEN'],
  });

  it('counts usage through members, reservations and posts, and withholds the demo’s small groups (k ≥ 5)', async () => {
    const figure = 'suppressed suppressionReason count population share';
    const board = await setupStep<{ association: { usageStatistics: Record<string, unknown> } }>(
      e2e,
      tokens.board,
      `query ($id: ID!) { association(id: $id) { usageStatistics { month booked { ${figure} } commented { ${figure} } } } }`,
      { id: DEMO.solbakken },
    );
    const withheld = { suppressed: true, suppressionReason: 'SMALL_GROUP', count: null, population: null, share: null };
    expect(board.association.usageStatistics).toEqual({
      month: DateTime.now().setZone('Europe/Oslo').toFormat('yyyy-MM'),
      booked: withheld,
      commented: withheld,
    });
    const platform = await asOperator<{ platformUsageStatistics: { booked: Record<string, unknown> } }>(
      `query { platformUsageStatistics(month: "2026-01") { booked { ${figure} associations } } }`,
      {},
    );
    expect(platform.platformUsageStatistics.booked).toEqual({ ...withheld, suppressionReason: 'FEW_ASSOCIATIONS', associations: 0 });
    const bad = await e2e.gql('query ($id: ID!) { association(id: $id) { usageStatistics(month: "2026-1") { month } } }', { id: DEMO.solbakken }, tokens.board);
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'month' });
  });

  it('shows the clocks: the provider late after 24 hours, then the board’s 72 hours from when it was told', async () => {
    const breachId = await freshBreach(25);
    type Clock = { kind: string; state: string; dueAt: string | null; doneAt: string | null };
    const operatorView = async () => {
      const data = await asOperator<{ dataBreaches: { nodes: { id: string; notices: { clocks: Clock[] }[] }[] } }>(
        `query { dataBreaches(first: 20) { nodes { id ${CLOCKS} } } }`,
        {},
      );
      return data.dataBreaches.nodes.find((b) => b.id === breachId)!.notices[0]!.clocks.map((c) => [c.kind, c.state]);
    };
    expect(await operatorView()).toEqual([
      ['NOTIFY_ASSOCIATION', 'OVERDUE'],
      ['NOTIFY_AUTHORITY', 'NOT_STARTED'],
    ]);
    await asOperator(NOTIFY, { i: { breachId } });
    const board = await setupStep<{ association: { dataBreachNotices: { nodes: { breachId: string; notifiedAt: string; clocks: Clock[] }[] } } }>(
      e2e,
      tokens.board,
      'query ($id: ID!) { association(id: $id) { dataBreachNotices(first: 50) { nodes { breachId notifiedAt clocks { kind state dueAt doneAt } } } } }',
      { id: DEMO.solbakken },
    );
    const notice = board.association.dataBreachNotices.nodes.find((n) => n.breachId === breachId)!;
    expect(notice.clocks.map((c) => [c.kind, c.state])).toEqual([
      ['NOTIFY_ASSOCIATION', 'LATE'],
      ['NOTIFY_AUTHORITY', 'RUNNING'],
    ]);
    expect(new Date(notice.clocks[1]!.dueAt!).getTime() - new Date(notice.notifiedAt).getTime()).toBe(72 * 3_600_000);
  });
});
