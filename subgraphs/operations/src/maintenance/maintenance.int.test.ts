import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { PrivacyRepository } from '../privacy/privacy.repository';
import type { MemberViewer } from '@tunet/kit';
import { testBackend } from '@tunet/kit/src/kit.fixtures';
import { loadDemoMaintenance } from './maintenance.demo';
import { maintenanceLoaders } from './maintenance.loaders';
import { arrangeAssociation, openMaintenanceTestBed, outboxOf, requestOf, type MaintenanceTestBed } from './maintenance.fixtures';
import type { NewTaskInput } from './maintenance.service';

let bed: MaintenanceTestBed;

beforeAll(async () => {
  bed = await openMaintenanceTestBed('2026-12-07T09:00:00Z');
}, 120_000);

afterAll(() => bed.close());

const fireRound = (overrides: Partial<NewTaskInput> = {}): NewTaskInput => ({
  title: 'Brannvernrunde',
  checklist: ['Røykvarslere testet', 'Slokkeapparater kontrollert'],
  recurrence: 'monthly',
  firstDueOn: '2026-12-31',
  dueTime: '10:00',
  ...overrides,
});
const loadersFor = (viewer: MemberViewer) => maintenanceLoaders({ ...requestOf(viewer), maintenance: bed.primary.service });
const allDone = [
  { done: true, note: null },
  { done: true, note: 'Bytt batteri i 2. etasje neste gang' },
];

describe('the maintenance plan (injected clock)', () => {
  beforeEach(() => bed.setClock('2026-12-07T09:00:00Z'));

  it('completes a round with who, when and the answers, and creates the next one in the same step', async () => {
    bed.setClock('2026-12-07T09:00:00Z');
    const { board, caretaker } = arrangeAssociation(bed);
    const service = bed.primary.service;
    const task = await service.create(requestOf(board), fireRound({ responsibleMemberId: caretaker.memberId }));
    expect(task.open).toMatchObject({ seq: 0, dueAt: new Date('2026-12-31T09:00:00Z'), completedAt: null });

    bed.setClock('2026-12-30T14:00:00Z');
    const { round: completed, task: after } = await service.complete(requestOf(caretaker), { occurrenceId: task.open!.id, answers: allDone });
    expect(completed).toMatchObject({
      completedAt: new Date('2026-12-30T14:00:00Z'),
      completedByMemberId: caretaker.memberId,
      answers: [
        { item: 'Røykvarslere testet', done: true, note: null },
        { item: 'Slokkeapparater kontrollert', done: true, note: 'Bytt batteri i 2. etasje neste gang' },
      ],
    });
    // 31 December, then the end of February (clamped), in Oslo winter time.
    expect(after.open).toMatchObject({ seq: 1, dueAt: new Date('2027-01-31T09:00:00Z') });
    expect((await service.history(board, after, loadersFor(board))).map((o) => o.id)).toEqual([task.open!.id]);
  });

  it("loads the history of a whole plan at once, each task's own rounds newest first", async () => {
    bed.setClock('2026-12-07T09:00:00Z');
    const { board } = arrangeAssociation(bed);
    const service = bed.primary.service;
    const [a, b] = await Promise.all(['A', 'B'].map((title) => service.create(requestOf(board), fireRound({ title, recurrence: 'weekly' }))));
    let open = a!.open!;
    for (const day of ['2026-12-31', '2027-01-07']) {
      bed.setClock(`${day}T12:00:00Z`);
      open = (await service.complete(requestOf(board), { occurrenceId: open.id, answers: allDone })).task.open!;
    }
    const loaders = loadersFor(board);
    const [historyA, historyB] = await Promise.all([service.history(board, a!, loaders), service.history(board, b!, loaders)]);
    expect(historyA.map((round) => [round.taskId, round.dueAt.toISOString()])).toEqual([
      [a!.id, '2027-01-07T09:00:00.000Z'],
      [a!.id, '2026-12-31T09:00:00.000Z'],
    ]);
    expect(historyB).toEqual([]);
  });

  it('refuses a second completion of the same round with CONFLICT, also when two arrive at once, and creates one next round', async () => {
    const { board, caretaker } = arrangeAssociation(bed);
    const task = await bed.primary.service.create(requestOf(board), fireRound({ responsibleMemberId: caretaker.memberId }));
    const input = { occurrenceId: task.open!.id, answers: allDone };
    const results = await Promise.allSettled([
      bed.primary.service.complete(requestOf(board), input),
      bed.replica.service.complete(requestOf(caretaker), input),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    const refusal = results.find((r): r is PromiseRejectedResult => r.status === 'rejected')!.reason as { extensions: { code: string } };
    expect(refusal.extensions.code).toBe('CONFLICT');
    await expect(bed.primary.service.complete(requestOf(board), input)).rejects.toMatchObject({ extensions: { code: 'CONFLICT' } });
    const rounds = await bed.primary.db.tenant(task.associationId, (tx) =>
      tx.execute(sql`select seq, completed_at is not null as done from operations.maintenance_occurrences where task_id = ${task.id} order by seq`),
    );
    expect((rounds as { rows: unknown[] }).rows).toEqual([
      { seq: 0, done: true },
      { seq: 1, done: false },
    ]);
  });

  it('lets only the board manage tasks, and shows a task to the board and its responsible person only', async () => {
    const { board, caretaker, resident } = arrangeAssociation(bed);
    const service = bed.primary.service;
    await expect(service.create(requestOf(caretaker), fireRound())).rejects.toMatchObject({ extensions: { code: 'FORBIDDEN' } });
    await expect(service.create(requestOf(resident), fireRound())).rejects.toMatchObject({ extensions: { code: 'FORBIDDEN' } });
    await expect(service.create(requestOf(board, false), fireRound())).rejects.toMatchObject({ extensions: { code: 'FEATURE_NOT_SUBSCRIBED' } });
    const theirs = await service.create(requestOf(board), fireRound({ title: 'Måleravlesning', responsibleMemberId: caretaker.memberId }));
    const boards = await service.create(requestOf(board), fireRound({ title: 'Takrenner', recurrence: 'yearly' }));

    expect((await service.list(requestOf(board), false)).map((t) => t.title)).toEqual(['Måleravlesning', 'Takrenner']);
    expect((await service.list(requestOf(caretaker), false)).map((t) => t.title)).toEqual(['Måleravlesning']);
    expect(await service.list(requestOf(resident), false)).toEqual([]);
    await expect(service.get(requestOf(caretaker), boards.id)).rejects.toMatchObject({ extensions: { code: 'NOT_FOUND' } });
    await expect(service.complete(requestOf(resident), { occurrenceId: theirs.open!.id, answers: allDone })).rejects.toMatchObject({
      extensions: { code: 'NOT_FOUND' },
    });
  });

  it("never reads or completes another association's task, whatever id is given", async () => {
    const ours = arrangeAssociation(bed);
    const theirs = arrangeAssociation(bed);
    const task = await bed.primary.service.create(requestOf(theirs.board), fireRound());
    await expect(bed.primary.service.get(requestOf(ours.board), task.id)).rejects.toMatchObject({ extensions: { code: 'NOT_FOUND' } });
    await expect(bed.primary.service.complete(requestOf(ours.board), { occurrenceId: task.open!.id, answers: allDone })).rejects.toMatchObject({
      extensions: { code: 'NOT_FOUND' },
    });
    await expect(bed.primary.service.archive(requestOf(ours.board), task.id)).rejects.toMatchObject({ extensions: { code: 'NOT_FOUND' } });
  });

  it('refuses a responsible person who is no current member here, and bad input with the field named', async () => {
    const ours = arrangeAssociation(bed);
    const theirs = arrangeAssociation(bed);
    const create = (input: Partial<NewTaskInput>) => bed.primary.service.create(requestOf(ours.board), fireRound(input));
    await expect(create({ responsibleMemberId: theirs.caretaker.memberId })).rejects.toMatchObject({
      extensions: { code: 'BAD_USER_INPUT', field: 'responsibleMemberId' },
    });
    bed.members.set(ours.id, ours.resident.memberId, []);
    await expect(create({ responsibleMemberId: ours.resident.memberId })).rejects.toMatchObject({ extensions: { field: 'responsibleMemberId' } });
    await expect(create({ recurrence: 'every_n_months' })).rejects.toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: 'intervalMonths' } });
    await expect(create({ firstDueOn: '2026-12-01' })).rejects.toMatchObject({ extensions: { field: 'firstDueOn' } });
    await expect(create({ dueTime: '25:00' })).rejects.toMatchObject({ extensions: { field: 'dueTime' } });
    const task = await create({});
    await expect(bed.primary.service.complete(requestOf(ours.board), { occurrenceId: task.open!.id, answers: allDone.slice(1) })).rejects.toMatchObject({
      extensions: { code: 'BAD_USER_INPUT', field: 'answers' },
    });
  });
});

describe('the overdue sweep', () => {
  it('flags a round past due and tells its responsible person once, across two replicas sweeping at the same moment', async () => {
    bed.setClock('2026-12-07T09:00:00Z');
    const { id, board, caretaker } = arrangeAssociation(bed);
    const tasks = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        bed.primary.service.create(requestOf(board), fireRound({ title: `Runde ${i}`, firstDueOn: '2026-12-08', responsibleMemberId: caretaker.memberId })),
      ),
    );
    bed.setClock('2026-12-08T08:59:00Z');
    expect(await bed.primary.sweep.sweep()).toBe(0);

    bed.setClock('2026-12-08T09:01:00Z');
    const claimed = await Promise.all([bed.primary.sweep.sweep(), bed.replica.sweep.sweep()]);
    expect(claimed[0] + claimed[1]).toBe(6);
    expect(await Promise.all([bed.primary.sweep.sweep(), bed.replica.sweep.sweep()])).toEqual([0, 0]);

    const events = (await outboxOf(bed, 'maintenance_task.overdue')).filter((event) => event.associationId === id);
    expect(events.map((event) => event.payload.taskId).sort()).toEqual(tasks.map((task) => task.id).sort());
    expect(events[0]!.payload).toMatchObject({ responsibleMemberId: caretaker.memberId, dueAt: '2026-12-08T09:00:00.000Z' });
    const listed = await bed.primary.service.list(requestOf(board), false);
    expect(listed.every((task) => task.open!.overdueNotifiedAt !== null)).toBe(true);
  });

  it('does not tell anyone about a round completed or archived before it fell due', async () => {
    bed.setClock('2026-12-07T09:00:00Z');
    const { id, board } = arrangeAssociation(bed);
    const done = await bed.primary.service.create(requestOf(board), fireRound({ title: 'Gjort', firstDueOn: '2026-12-08' }));
    const stopped = await bed.primary.service.create(requestOf(board), fireRound({ title: 'Stoppet', firstDueOn: '2026-12-08' }));
    await bed.primary.service.complete(requestOf(board), { occurrenceId: done.open!.id, answers: allDone });
    const archived = await bed.primary.service.archive(requestOf(board), stopped.id);
    expect(archived).toMatchObject({ open: null });
    bed.setClock('2026-12-08T12:00:00Z');
    await bed.primary.sweep.sweep();
    expect((await outboxOf(bed, 'maintenance_task.overdue')).filter((event) => event.associationId === id)).toEqual([]);
  });

  it('tells nobody while the association has no operations center (once when it is back), and never of an archived task', async () => {
    bed.setClock('2026-12-07T09:00:00Z');
    const { id, board } = arrangeAssociation(bed);
    const live = await bed.primary.service.create(requestOf(board), fireRound({ title: 'Levende', firstDueOn: '2026-12-08' }));
    const stopped = await bed.primary.service.create(requestOf(board), fireRound({ title: 'Arkivert', firstDueOn: '2026-12-08' }));
    // An archived task left with an open round (what a completion racing the archive could leave before the lock).
    await bed.primary.db.tenant(id, (tx) => tx.execute(sql`update operations.maintenance_tasks set archived_at = now() where id = ${stopped.id}::uuid`));
    bed.withoutFeature.add(id);
    bed.setClock('2026-12-08T12:00:00Z');
    await Promise.all([bed.primary.sweep.sweep(), bed.replica.sweep.sweep()]);
    const told = async () => (await outboxOf(bed, 'maintenance_task.overdue')).filter((event) => event.associationId === id);
    expect(await told()).toEqual([]);
    bed.withoutFeature.delete(id);
    await Promise.all([bed.primary.sweep.sweep(), bed.replica.sweep.sweep()]);
    expect((await told()).map((event) => event.payload.taskId)).toEqual([live.id]);
  });

  // A second connection is needed to hold the lock: PostgreSQL only (PGlite is one connection).
  (testBackend() === 'postgres' ? it : it.skip)('makes a completion wait for an archive holding the task, which leaves no open round', async () => {
    bed.setClock('2026-12-07T09:00:00Z');
    const { id, board } = arrangeAssociation(bed);
    const task = await bed.primary.service.create(requestOf(board), fireRound({ firstDueOn: '2026-12-08' }));
    const waiting = async () => {
      const result = await bed.primary.db.system((tx) =>
        tx.execute(
          sql`select count(*)::int as n from pg_locks where not granted and database = (select oid from pg_database where datname = current_database())`,
        ),
      );
      return (result as { rows: { n: number }[] }).rows[0]!.n > 0;
    };
    let finished = false;
    // What archive() does, holding the task's row while the completion arrives.
    const { blocked, completion } = await bed.replica.db.tenant(id, async (tx) => {
      await tx.execute(sql`select id from operations.maintenance_tasks where id = ${task.id}::uuid for update`);
      const completion = bed.primary.service.complete(requestOf(board), { occurrenceId: task.open!.id, answers: allDone }).then(
        () => (finished = true),
        () => (finished = true),
      );
      for (let i = 0; i < 2000 && !finished && !(await waiting()); i++) await new Promise((resolve) => setImmediate(resolve));
      const blocked = !finished;
      await tx.execute(sql`update operations.maintenance_tasks set archived_at = now() where id = ${task.id}::uuid`);
      await tx.execute(sql`delete from operations.maintenance_occurrences where task_id = ${task.id}::uuid and completed_at is null`);
      return { blocked, completion };
    });
    await completion;
    expect(blocked).toBe(true);
    const open = await bed.primary.db.tenant(id, (tx) =>
      tx.execute(sql`select count(*)::int as n from operations.maintenance_occurrences where task_id = ${task.id}::uuid and completed_at is null`),
    );
    expect((open as { rows: { n: number }[] }).rows[0]!.n).toBe(0);
  });

  it('keeps each association to its own rows under row-level security', async () => {
    const { id, board } = arrangeAssociation(bed);
    await bed.primary.service.create(requestOf(board), fireRound());
    const seen = await bed.primary.db.tenant(randomUUID(), (tx) =>
      tx.execute(sql`select count(*)::int as n from operations.maintenance_tasks where association_id = ${id}::uuid`),
    );
    expect((seen as { rows: { n: number }[] }).rows[0]!.n).toBe(0);
  });
});

describe("the maintenance plan's privacy", () => {
  it('exports what a member did, and erases their name (and notes) but keeps the rounds as the association record', async () => {
    bed.setClock('2026-12-07T09:00:00Z');
    const { id, board, caretaker } = arrangeAssociation(bed);
    const task = await bed.primary.service.create(requestOf(board), fireRound({ responsibleMemberId: caretaker.memberId }));
    await bed.primary.service.complete(requestOf(caretaker), { occurrenceId: task.open!.id, answers: allDone, note: 'Alt i orden' });
    const privacy = new PrivacyRepository(bed.primary.db);

    const exported = await privacy.exportMember(id, caretaker.memberId);
    expect(exported.maintenance_tasks).toEqual([expect.objectContaining({ id: task.id, responsible: true, created: false })]);
    expect(exported.maintenance_occurrences).toEqual([expect.objectContaining({ note: 'Alt i orden' })]);

    const counts = await privacy.eraseMember(id, caretaker.memberId, randomUUID(), false, false);
    expect(counts).toMatchObject({ maintenance_tasks: 1, maintenance_occurrences: 1 });
    const after = await bed.primary.service.get(requestOf(board), task.id);
    expect(after.responsibleMemberId).toBeNull();
    const [round] = await bed.primary.service.history(board, after, loadersFor(board));
    expect(round).toMatchObject({ completedByMemberId: null, note: null });
    expect(round!.answers!.map((a) => [a.item, a.done, a.note])).toEqual([
      ['Røykvarslere testet', true, null],
      ['Slokkeapparater kontrollert', true, null],
    ]);
    expect(await privacy.eraseMember(id, caretaker.memberId, randomUUID(), false, false)).toMatchObject({ maintenance_tasks: 0, maintenance_occurrences: 0 });

    expect(await privacy.eraseAssociation(id)).toMatchObject({ maintenance_tasks: 1, maintenance_occurrences: 2 });
  });
});

describe('the demo plan', () => {
  it('loads once: a monthly round done twice with this month overdue, and a yearly task ahead', async () => {
    bed.setClock('2026-12-07T09:00:00Z');
    const { id, board, caretaker } = arrangeAssociation(bed);
    const demo = { association: id, board: board.memberId, caretaker: caretaker.memberId };
    expect(await loadDemoMaintenance(bed.primary.db, demo, new Date('2026-12-07T09:00:00Z'))).toBe(true);
    expect(await loadDemoMaintenance(bed.primary.db, demo, new Date('2026-12-07T09:00:00Z'))).toBe(false);
    const tasks = await bed.primary.service.list(requestOf(caretaker), false);
    expect(tasks.map((task) => [task.title, task.recurrence, task.open?.dueAt.toISOString()])).toEqual([
      ['Brannvernrunde', 'monthly', '2026-12-01T06:00:00.000Z'],
      ['Rens takrenner og sluk', 'yearly', '2027-10-01T07:00:00.000Z'],
    ]);
    expect((await bed.primary.service.history(board, tasks[0]!, loadersFor(board))).map((round) => round.dueAt.toISOString())).toEqual([
      '2026-11-01T06:00:00.000Z',
      '2026-10-01T05:00:00.000Z',
    ]);
  });
});
