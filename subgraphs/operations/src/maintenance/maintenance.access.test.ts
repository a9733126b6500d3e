import { randomUUID } from 'node:crypto';
import type { Viewer } from '@tunet/kit';
import { canCompleteTask, canListTasks, canManageTasks, canReadPlan, canSeeTask, isResponsible } from './maintenance.access';

const associationId = randomUUID();
const member = (role: 'board' | 'resident' | 'external', inAssociation = associationId): Viewer => ({
  accountId: randomUUID(),
  associationId: inAssociation,
  memberId: randomUUID(),
  role,
  platformAdmin: false,
  sessionId: randomUUID(),
});

const board = member('board');
const caretaker = member('external');
const resident = member('resident');
const otherBoard = member('board', randomUUID());
const integrator: Viewer = { ...member('board'), memberId: null, role: null, integration: { apiKeyId: randomUUID(), scopes: ['members:read'] } };
const operator: Viewer = { accountId: randomUUID(), associationId: null, memberId: null, role: null, platformAdmin: true, sessionId: null };
const support: Viewer = { ...operator, associationId, sessionId: randomUUID(), support: { expiresAt: '2099-01-01T00:00:00.000Z' } };
const task = { associationId, responsibleMemberId: caretaker.memberId };

describe('maintenance plan access', () => {
  it('lets only the board of the association manage tasks', () => {
    expect([board, caretaker, resident, otherBoard, integrator, operator, null].map((v) => canManageTasks(v, associationId))).toEqual([
      true,
      false,
      false,
      false,
      false,
      false,
      false,
    ]);
  });

  it('shows a task to the board and to its responsible person only', () => {
    expect([board, caretaker, resident, otherBoard, integrator, operator, null].map((v) => canSeeTask(v, task))).toEqual([
      true,
      true,
      false,
      false,
      false,
      false,
      false,
    ]);
  });

  it('lets the board and the responsible person complete a round, not another external', () => {
    const otherCaretaker = member('external');
    expect([board, caretaker, otherCaretaker, resident].map((v) => canCompleteTask(v, task))).toEqual([true, true, false, false]);
  });

  it('lets an operator in a support session read the plan and every task, but change or complete nothing', () => {
    expect([canReadPlan(support, associationId), canListTasks(support, associationId), canSeeTask(support, task)]).toEqual([true, true, true]);
    expect([canManageTasks(support, associationId), canCompleteTask(support, task)]).toEqual([false, false]);
    expect(canReadPlan({ ...support, associationId: randomUUID() }, associationId)).toBe(false);
    expect(canReadPlan({ ...support, support: null }, associationId)).toBe(false);
  });

  it('makes nobody responsible for a task without a responsible person', () => {
    expect(isResponsible(caretaker, { associationId, responsibleMemberId: null })).toBe(false);
  });

  it('does not take a responsible id from another association', () => {
    const stranger = { ...member('external', randomUUID()), memberId: caretaker.memberId };
    expect(canSeeTask(stranger, task)).toBe(false);
  });

  it('lets members of the association ask for a list (filtered to theirs), nobody else', () => {
    expect([board, resident, otherBoard, integrator, operator, null].map((v) => canListTasks(v, associationId))).toEqual([
      true,
      true,
      false,
      false,
      false,
      false,
    ]);
  });
});
