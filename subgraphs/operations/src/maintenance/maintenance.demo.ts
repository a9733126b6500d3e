import { DateTime } from 'luxon';
import type { SubgraphDatabase } from '@tunet/kit';
import { MaintenanceRepository } from './maintenance.repository';
import { nextOccurrence, occurrenceAt, type Schedule } from './maintenance.rules';

/** Whose maintenance plan the demo shows: Solbakken's, set up by its board, the caretaker responsible. */
export interface DemoMaintenance {
  association: string;
  board: string;
  caretaker: string;
}

const ZONE = 'Europe/Oslo';

/**
 * Solbakken's plan: a monthly fire-safety round the caretaker has done twice, whose round this month is overdue (the
 * first sweep tells him, once), and a yearly gutter cleaning next autumn. Dates count from `now`, so the demo looks
 * the same whenever it loads. Written through the repository: the service would refuse a first due date in the past.
 */
export async function loadDemoMaintenance(db: SubgraphDatabase, demo: DemoMaintenance, now = new Date()): Promise<boolean> {
  const repository = new MaintenanceRepository(db);
  if ((await repository.countActive(demo.association)) > 0) return false;
  const today = DateTime.fromJSDate(now, { zone: ZONE }).startOf('day');
  const monthly: Schedule = {
    recurrence: 'monthly',
    intervalMonths: null,
    anchorOn: today.startOf('month').minus({ months: 2 }).toISODate()!,
    dueTime: '07:00',
    timeZone: ZONE,
  };
  const round = await repository.create(
    {
      associationId: demo.association,
      title: 'Brannvernrunde',
      description: 'Månedlig runde etter internkontrollforskriften: kjeller, loft, trapperom og fellesrom.',
      checklist: ['Røykvarslere testet i trapperommene', 'Slokkeapparater på plass og plombert', 'Rømningsveier frie', 'Nødlys virker'],
      ...monthly,
      responsibleMemberId: demo.caretaker,
      createdByMemberId: demo.board,
    },
    occurrenceAt(monthly, 0),
    today.minus({ months: 3 }).toJSDate(),
  );
  let open = round.open!;
  for (let i = 0; i < 2; i++) {
    const completedAt = new Date(open.dueAt.getTime() + 2 * 3_600_000);
    const answers = round.checklist.map((item, n) => ({ item, done: true, note: n === 0 && i === 1 ? 'Byttet batteri i oppgang B' : null }));
    const done = await repository.complete(demo.association, open.id, { memberId: demo.caretaker, at: completedAt, answers, note: null }, (_task, completed) =>
      nextOccurrence(monthly, { seq: completed.seq, completedAt }),
    );
    open = done!.next!;
  }
  const autumn = today.set({ month: 10, day: 1 });
  const yearly: Schedule = {
    recurrence: 'yearly',
    intervalMonths: null,
    anchorOn: (autumn > today ? autumn : autumn.plus({ years: 1 })).toISODate()!,
    dueTime: '09:00',
    timeZone: ZONE,
  };
  await repository.create(
    {
      associationId: demo.association,
      title: 'Rens takrenner og sluk',
      description: null,
      checklist: ['Takrenner tømt for løv', 'Nedløp spylt', 'Sluk i gården rensket'],
      ...yearly,
      responsibleMemberId: demo.caretaker,
      createdByMemberId: demo.board,
    },
    occurrenceAt(yearly, 0),
    now,
  );
  return true;
}
