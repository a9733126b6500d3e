import { randomUUID } from 'node:crypto';
import { DEMO } from '@tunet/members';
import { MaintenanceRepository } from '@tunet/operations/src/maintenance/maintenance.repository';
import { OverdueMaintenanceSweep } from '@tunet/operations/src/maintenance/maintenance.sweep';
import { sql } from 'drizzle-orm';
import { DateTime } from 'luxon';
import {
  accessTokens,
  codes,
  matrixCaller,
  matrixTests,
  openE2E,
  operatorMatrixTokens,
  setupStep,
  tag,
  type E2E,
  type MatrixCall,
  type Outcome,
} from './e2e.fixtures';

/**
 * Who may do what with the maintenance plan (operations, decision 0043), through the gateway: every maintenance
 * query and mutation × every kind of caller. Solbakken subscribes to the operations center; "other association" is
 * Fjordly's board, on the base plan (gated); the caretaker is Jonas, responsible for the matrix's task; the
 * integrator an API key of Solbakken's board; the platform operator the demo operator without a support session.
 */
const ACTORS = ['anonymous', 'resident', 'board', 'caretaker', 'other association', 'integrator', 'platform operator'] as const;
type Actor = (typeof ACTORS)[number];

const TASK_FIELDS = 'id title recurrence dueTime timeZone overdue responsible { id } nextRound { id dueAt overdue } history { id }';
const CREATE = `mutation ($i: CreateMaintenanceTaskInput!) { createMaintenanceTask(input: $i) { ${TASK_FIELDS} } }`;
const COMPLETE =
  'mutation ($i: CompleteMaintenanceRoundInput!) { completeMaintenanceRound(input: $i) { round { id completedAt answers { item done } } task { nextRound { id } } } }';

describe('maintenance plan access matrix', () => {
  let e2e: E2E;
  const tokens: Partial<Record<Actor, string>> = {};
  let call: MatrixCall<Actor>;
  let taskId: string;
  const tomorrow = DateTime.now().setZone('Europe/Oslo').plus({ days: 1 }).toISODate()!;
  const newTask = (title: string, responsibleMemberId: string | null = DEMO.jonas) => ({
    i: { title, checklist: ['Røykvarslere', 'Slokkeapparater'], recurrence: 'MONTHLY', firstDueOn: tomorrow, dueTime: '07:30', responsibleMemberId },
  });
  const createAsBoard = async (title: string) =>
    (await setupStep<{ createMaintenanceTask: { id: string } }>(e2e, tokens.board, CREATE, newTask(title))).createMaintenanceTask.id;
  const openRound = async () =>
    (
      await setupStep<{ maintenanceTask: { nextRound: { id: string } } }>(
        e2e,
        tokens.board,
        'query ($id: ID!) { maintenanceTask(id: $id) { nextRound { id } } }',
        {
          id: taskId,
        },
      )
    ).maintenanceTask.nextRound.id;

  beforeAll(async () => {
    e2e = await openE2E();
    call = matrixCaller(e2e, tokens);
    Object.assign(tokens, await operatorMatrixTokens(e2e), await accessTokens(e2e, { caretaker: 'jonas@solbakken.example' }));
    taskId = await createAsBoard('Brannvernrunde');
  });
  afterAll(() => e2e?.close());

  const operations: Record<string, (actor: Actor) => Promise<Outcome>> = {
    maintenanceTasks: (actor) => call(actor, `query { maintenanceTasks { ${TASK_FIELDS} } }`),
    maintenanceTask: (actor) => call(actor, `query ($id: ID!) { maintenanceTask(id: $id) { ${TASK_FIELDS} } }`, { id: taskId }),
    createMaintenanceTask: (actor) => call(actor, CREATE, newTask(`Takrenner ${tag(actor)}`)),
    updateMaintenanceTask: (actor) =>
      call(actor, 'mutation ($i: UpdateMaintenanceTaskInput!) { updateMaintenanceTask(input: $i) { id title } }', {
        i: { id: taskId, title: `Brannvernrunde (${tag(actor)})` },
      }),
    archiveMaintenanceTask: async (actor) => {
      const id = await createAsBoard(`Måleravlesning ${tag(actor)}`);
      return call(actor, 'mutation ($id: ID!) { archiveMaintenanceTask(input: { id: $id }) { id archivedAt nextRound { id } } }', { id });
    },
    serviceRequestDeadlines: (actor) => call(actor, 'query { serviceRequestDeadlines { category urgency responseHours resolutionHours isDefault } }'),
    setServiceRequestDeadline: (actor) =>
      call(actor, 'mutation ($i: SetServiceRequestDeadlineInput!) { setServiceRequestDeadline(input: $i) { responseHours isDefault } }', {
        i: { category: 'OUTDOOR', urgency: 'NORMAL', responseHours: 24, resolutionHours: 96 },
      }),
    completeMaintenanceRound: async (actor) =>
      call(actor, COMPLETE, {
        i: {
          roundId: await openRound(),
          answers: [
            { done: true, note: null },
            { done: true, note: null },
          ],
        },
      }),
  };

  // anonymous, resident, board, caretaker, other association (gated), integrator, platform operator
  const DENIED_TO_ALL_BUT_BOARD: Outcome[] = ['UNAUTHENTICATED', 'FORBIDDEN', 'OK', 'FORBIDDEN', 'FEATURE_NOT_SUBSCRIBED', 'FORBIDDEN', 'FORBIDDEN'];
  matrixTests(ACTORS, operations, {
    maintenanceTasks: ['UNAUTHENTICATED', 'OK', 'OK', 'OK', 'FEATURE_NOT_SUBSCRIBED', 'FORBIDDEN', 'FORBIDDEN'],
    maintenanceTask: ['UNAUTHENTICATED', 'NOT_FOUND', 'OK', 'OK', 'FEATURE_NOT_SUBSCRIBED', 'NOT_FOUND', 'FORBIDDEN'],
    createMaintenanceTask: DENIED_TO_ALL_BUT_BOARD,
    updateMaintenanceTask: DENIED_TO_ALL_BUT_BOARD,
    archiveMaintenanceTask: DENIED_TO_ALL_BUT_BOARD,
    completeMaintenanceRound: ['UNAUTHENTICATED', 'NOT_FOUND', 'OK', 'OK', 'FEATURE_NOT_SUBSCRIBED', 'NOT_FOUND', 'FORBIDDEN'],
    serviceRequestDeadlines: DENIED_TO_ALL_BUT_BOARD,
    setServiceRequestDeadline: DENIED_TO_ALL_BUT_BOARD,
  });

  it("stamps the demo's requests with their deadlines and flags the overdue ones for the board", async () => {
    const LIST = 'query { serviceRequests(first: 50) { nodes { status createdAt overdue responseDueAt resolutionDueAt } } }';
    type Node = { status: string; createdAt: string; overdue: boolean; responseDueAt: string | null; resolutionDueAt: string | null };
    const list = async () => (await setupStep<{ serviceRequests: { nodes: Node[] } }>(e2e, tokens.board, LIST)).serviceRequests.nodes;
    // The deadline sweep runs as the stack's jobs start and stamps every request reported before.
    const deadline = Date.now() + 15_000;
    let nodes = await list();
    while (nodes.some((node) => node.responseDueAt === null) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      nodes = await list();
    }
    expect(nodes.length).toBeGreaterThan(0);
    const now = Date.now();
    const missed = (node: Node) =>
      ['NEW', 'ACKNOWLEDGED', 'IN_PROGRESS', 'WAITING'].includes(node.status) &&
      (Date.parse(node.resolutionDueAt!) < now || (node.status === 'NEW' && Date.parse(node.responseDueAt!) < now));
    for (const node of nodes) {
      expect(Date.parse(node.resolutionDueAt!)).toBeGreaterThan(Date.parse(node.createdAt));
      expect(node.overdue).toBe(missed(node));
    }
  });

  it('shows the caretaker only the tasks they are responsible for, and a resident none', async () => {
    await createAsBoard('Styrets egen runde').then(async (id) => {
      await setupStep(e2e, tokens.board, 'mutation ($i: UpdateMaintenanceTaskInput!) { updateMaintenanceTask(input: $i) { id } }', {
        i: { id, responsibleMemberId: null },
      });
    });
    const titles = async (actor: Actor) =>
      (
        await e2e.gql<{ maintenanceTasks: { title: string; responsible: { id: string } | null }[] }>(
          'query { maintenanceTasks { title responsible { id } } }',
          {},
          tokens[actor],
        )
      ).data!.maintenanceTasks;
    const boards = await titles('board');
    const caretakers = await titles('caretaker');
    expect(boards.map((t) => t.title)).toContain('Styrets egen runde');
    expect(caretakers.length).toBeGreaterThan(0);
    expect(caretakers.every((t) => t.responsible?.id === DEMO.jonas)).toBe(true);
    expect(await titles('resident')).toEqual([]);
  });

  it('completes a round once: the second submission of the same round is CONFLICT, and the next round is created', async () => {
    const roundId = await openRound();
    const answers = [
      { done: true, note: 'Byttet batteri i oppgang B' },
      { done: false, note: null },
    ];
    const first = await e2e.gql<{ completeMaintenanceRound: { round: { answers: { item: string; done: boolean }[] }; task: { nextRound: { id: string } } } }>(
      COMPLETE,
      { i: { roundId, answers } },
      tokens.caretaker,
    );
    expect(first.data!.completeMaintenanceRound.round.answers).toEqual([
      { item: 'Røykvarslere', done: true },
      { item: 'Slokkeapparater', done: false },
    ]);
    expect(first.data!.completeMaintenanceRound.task.nextRound.id).not.toBe(roundId);
    const again = await e2e.gql(COMPLETE, { i: { roundId, answers } }, tokens.board);
    expect(again.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT' });
  });

  it('names the field of bad input', async () => {
    const result = await e2e.gql(CREATE, { i: { ...newTask('x').i, recurrence: 'EVERY_N_MONTHS' } }, tokens.board);
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'intervalMonths' });
    const stranger = await e2e.gql(CREATE, newTask('Dugnad', DEMO.eva), tokens.board);
    expect(stranger.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'responsibleMemberId' });
  });

  it('tells the responsible person of an overdue round once, in their inbox, however often it is swept', async () => {
    // A round already past due, written as the plan leaves it (the API refuses a first due date in the past).
    const title = `Måleravlesning ${randomUUID().slice(0, 8)}`;
    const repository = new MaintenanceRepository(e2e.stack.operations.db);
    const dueAt = new Date(Date.now() - 3_600_000);
    const now = new Date();
    await repository.create(
      {
        associationId: DEMO.solbakken,
        title,
        description: null,
        checklist: [],
        recurrence: 'monthly',
        intervalMonths: null,
        anchorOn: DateTime.fromJSDate(dueAt, { zone: 'Europe/Oslo' }).toISODate()!,
        dueTime: DateTime.fromJSDate(dueAt, { zone: 'Europe/Oslo' }).toFormat('HH:mm'),
        timeZone: 'Europe/Oslo',
        responsibleMemberId: DEMO.jonas,
        createdByMemberId: DEMO.kari,
      },
      dueAt,
      now,
    );
    const sweeps = [1, 2].map(() => new OverdueMaintenanceSweep(repository, () => Promise.resolve(true)));
    await Promise.all(sweeps.map((sweep) => sweep.sweep()));
    const INBOX = 'query { notifications(first: 50) { nodes { title category link } } }';
    const told = async () =>
      (
        await e2e.gql<{ notifications: { nodes: { title: string; category: string; link: string }[] } }>(INBOX, {}, tokens.caretaker)
      ).data!.notifications.nodes.filter((n) => n.title === `Forfalt: ${title}`);
    const deadline = Date.now() + 15_000;
    while ((await told()).length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    await Promise.all(sweeps.map((sweep) => sweep.sweep()));
    expect(await told()).toEqual([expect.objectContaining({ category: 'SERVICE_REQUESTS', link: expect.stringMatching(/^\/operations\/maintenance\//) })]);
  });

  it('is gated while the add-on is off, with every row kept, and back when it is on again', async () => {
    const rows = async () => {
      const result = await e2e.stack.operations.db.system((tx) =>
        tx.execute(sql`
          select (select count(*)::int from operations.maintenance_tasks where association_id = ${DEMO.solbakken}::uuid) as tasks,
                 (select count(*)::int from operations.maintenance_occurrences where association_id = ${DEMO.solbakken}::uuid) as rounds`),
      );
      return (result as { rows: { tasks: number; rounds: number }[] }).rows[0]!;
    };
    const LIST = 'query { maintenanceTasks { id } }';
    const before = await rows();
    const listed = (await setupStep<{ maintenanceTasks: { id: string }[] }>(e2e, tokens.board, LIST)).maintenanceTasks;
    const operator = tokens['platform operator'];
    await setupStep(e2e, operator, 'mutation ($i: DisableFeatureInput!) { disableFeature(input: $i) { subscription { id } } }', {
      i: { associationId: DEMO.solbakken, feature: 'operationsCenter', reason: 'e2e' },
    });
    for (const actor of ['board', 'caretaker'] as const) expect(codes(await e2e.gql(LIST, {}, tokens[actor]))).toEqual(['FEATURE_NOT_SUBSCRIBED']);
    expect(codes(await e2e.gql(CREATE, newTask('Avslått'), tokens.board))).toEqual(['FEATURE_NOT_SUBSCRIBED']);
    expect(await rows()).toEqual(before);
    await setupStep(e2e, operator, 'mutation ($i: EnableFeatureInput!) { enableFeature(input: $i) { subscription { id } } }', {
      i: { associationId: DEMO.solbakken, feature: 'operationsCenter' },
    });
    expect((await setupStep<{ maintenanceTasks: { id: string }[] }>(e2e, tokens.board, LIST)).maintenanceTasks).toEqual(listed);
    expect(await rows()).toEqual(before);
  });
});
