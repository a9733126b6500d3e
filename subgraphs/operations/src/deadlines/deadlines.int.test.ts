import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { decodeCursor, encodeCursor } from '@tunet/kit';
import { AssignmentsRepository } from '../assignments/assignments.repository';
import { PrivacyRepository } from '../privacy/privacy.repository';
import { keyOf, listedAt, ServiceRequestsRepository, type ListKey } from '../service-requests/service-requests.repository';
import { listKey } from '../service-requests/service-requests.service';
import { arrangeAssociation, openMaintenanceTestBed, outboxOf, requestOf, type MaintenanceTestBed } from '../maintenance/maintenance.fixtures';
import { serviceRequests, type ServiceRequestCategory, type ServiceRequestStatus, type ServiceRequestUrgency } from '../tables';
import { DeadlinesRepository } from './deadlines.repository';
import { DeadlinesService } from './deadlines.service';
import { isRequestOverdue } from './deadlines.rules';
import { DeadlineSweep } from './deadlines.sweep';

let bed: MaintenanceTestBed;
let now = new Date('2026-12-07T09:00:00Z');
const clock = () => now;

beforeAll(async () => {
  bed = await openMaintenanceTestBed('2026-12-07T09:00:00Z');
}, 120_000);

afterAll(() => bed.close());

const primary = () => ({
  service: new DeadlinesService(new DeadlinesRepository(bed.primary.db), clock),
  sweep: new DeadlineSweep(new DeadlinesRepository(bed.primary.db), bed.featureOn, { now: clock }),
});
const replica = () => new DeadlineSweep(new DeadlinesRepository(bed.replica.db), bed.featureOn, { now: clock });

/** A request as reporting leaves it: NEW, without deadlines until the sweep stamps them. */
async function report(
  associationId: string,
  category: ServiceRequestCategory,
  urgency: ServiceRequestUrgency,
  createdAt: Date,
  status: ServiceRequestStatus = 'new',
) {
  const [row] = await bed.primary.db.tenant(associationId, (tx) =>
    tx
      .insert(serviceRequests)
      .values({
        associationId,
        id: randomUUID(),
        reporterMemberId: randomUUID(),
        category,
        locationKind: 'common_area',
        place: 'Vaskeriet',
        title: `Feil ${category}`,
        description: 'Virker ikke.',
        urgency,
        urgentReason: urgency === 'urgent' ? 'water_leak' : null,
        status,
        createdAt,
        updatedAt: createdAt,
      })
      .returning(),
  );
  return row!;
}

const stored = async (associationId: string, id: string) =>
  (
    await bed.primary.db.tenant(associationId, (tx) =>
      tx
        .select()
        .from(serviceRequests)
        .where(and(eq(serviceRequests.associationId, associationId), eq(serviceRequests.id, id))),
    )
  )[0]!;

describe('service request deadlines (injected clock)', () => {
  it("stamps a new request with the board's hours for its category and urgency, or the defaults", async () => {
    now = new Date('2026-12-07T09:00:00Z');
    const { id, board } = arrangeAssociation(bed);
    const { service, sweep } = primary();
    await service.set(requestOf(board), { category: 'outdoor', urgency: 'normal', responseHours: 24, resolutionHours: 72 });
    const outdoor = await report(id, 'outdoor', 'normal', now);
    const leak = await report(id, 'plumbing', 'urgent', now);
    await sweep.sweep();
    expect(await stored(id, outdoor.id)).toMatchObject({ responseDueAt: new Date('2026-12-08T09:00:00Z'), resolutionDueAt: new Date('2026-12-10T09:00:00Z') });
    expect(await stored(id, leak.id)).toMatchObject({ responseDueAt: new Date('2026-12-07T11:00:00Z'), resolutionDueAt: new Date('2026-12-08T09:00:00Z') });
    const listed = await service.list(requestOf(board));
    expect(listed).toHaveLength(14);
    expect(listed.find((d) => d.category === 'outdoor' && d.urgency === 'normal')).toEqual({
      category: 'outdoor',
      urgency: 'normal',
      responseHours: 24,
      resolutionHours: 72,
      isDefault: false,
    });
  });

  it('tells about each overdue request exactly once when two replicas sweep at the same moment, and never about a done one', async () => {
    now = new Date('2026-12-07T09:00:00Z');
    const { id } = arrangeAssociation(bed);
    const urgent = await Promise.all([1, 2, 3, 4].map(() => report(id, 'plumbing', 'urgent', now)));
    const acknowledged = await report(id, 'electrical', 'urgent', now, 'acknowledged');
    const resolved = await report(id, 'electrical', 'urgent', now, 'resolved');
    await primary().sweep.sweep();

    // 11:01: past the 2-hour response deadline; the acknowledged one has answered, the resolved one is done.
    now = new Date('2026-12-07T11:01:00Z');
    await Promise.all([primary().sweep.sweep(), replica().sweep()]);
    // The next day the acknowledged one misses its resolution deadline too; the four already told are not told again.
    now = new Date('2026-12-08T09:01:00Z');
    await Promise.all([primary().sweep.sweep(), replica().sweep()]);

    // The sweep runs across associations: this association's events are the ones about its requests.
    const events = (await outboxOf(bed, 'service_request.overdue')).filter((event) => event.associationId === id);
    expect(events).toHaveLength(5);
    expect(events.map((event) => event.payload.requestId).sort()).toEqual([...urgent.map((r) => r.id), acknowledged.id].sort());
    expect(events.find((event) => event.payload.requestId === acknowledged.id)!.payload).toMatchObject({
      missed: 'resolution',
      dueAt: '2026-12-08T09:00:00.000Z',
    });
    expect(events.find((event) => event.payload.requestId === urgent[0]!.id)!.payload).toMatchObject({ missed: 'response', assigneeMemberId: null });
    expect(events.some((event) => event.payload.requestId === resolved.id)).toBe(false);
  });

  it('tells nobody of an overdue request while the association has no operations center, and once when the add-on is back', async () => {
    now = new Date('2026-12-07T09:00:00Z');
    const { id } = arrangeAssociation(bed);
    const leak = await report(id, 'plumbing', 'urgent', now);
    await primary().sweep.sweep();
    bed.withoutFeature.add(id);
    now = new Date('2026-12-07T11:01:00Z');
    await Promise.all([primary().sweep.sweep(), replica().sweep()]);
    const told = async () => (await outboxOf(bed, 'service_request.overdue')).filter((event) => event.associationId === id);
    expect(await told()).toEqual([]);
    expect((await stored(id, leak.id)).overdueNotifiedAt).toBeNull();
    bed.withoutFeature.delete(id);
    await Promise.all([primary().sweep.sweep(), replica().sweep()]);
    expect((await told()).map((event) => event.payload.requestId)).toEqual([leak.id]);
  });

  it('lets only the board set deadlines, with whole hours and the answer before the fix', async () => {
    const { board, caretaker, resident } = arrangeAssociation(bed);
    const { service } = primary();
    const input = { category: 'other' as const, urgency: 'normal' as const, responseHours: 24, resolutionHours: 48 };
    for (const viewer of [caretaker, resident])
      await expect(service.set(requestOf(viewer), input)).rejects.toMatchObject({ extensions: { code: 'FORBIDDEN' } });
    await expect(service.list(requestOf(resident))).rejects.toMatchObject({ extensions: { code: 'FORBIDDEN' } });
    await expect(service.set(requestOf(board, false), input)).rejects.toMatchObject({ extensions: { code: 'FEATURE_NOT_SUBSCRIBED' } });
    await expect(service.set(requestOf(board), { ...input, responseHours: 72 })).rejects.toMatchObject({
      extensions: { code: 'BAD_USER_INPUT', field: 'responseHours' },
    });
    expect(await service.set(requestOf(board), input)).toMatchObject({ responseHours: 24, resolutionHours: 48, isDefault: false });
  });
});

describe('overdue requests first in the lists (decision 0041, addendum "links")', () => {
  it("lists the older overdue request before newer ones in the board's and the assignee's lists, across pages", async () => {
    now = new Date('2026-12-07T09:00:00Z');
    const { id, caretaker } = arrangeAssociation(bed);
    const day = 24 * 3600 * 1000;
    const overdue = await report(id, 'plumbing', 'normal', new Date(now.getTime() - 10 * day), 'in_progress');
    const done = await report(id, 'plumbing', 'normal', new Date(now.getTime() - 9 * day), 'in_progress');
    const fresh = await report(id, 'plumbing', 'normal', new Date(now.getTime() - 3600 * 1000), 'new');
    await primary().sweep.sweep();
    // Flagged while it was open, since resolved: no longer listed first.
    await bed.primary.db.tenant(id, (tx) =>
      tx
        .update(serviceRequests)
        .set({ status: 'resolved', resolvedAt: now })
        .where(and(eq(serviceRequests.associationId, id), eq(serviceRequests.id, done.id))),
    );
    for (const request of [overdue, fresh])
      await bed.primary.db.tenant(id, (tx) =>
        tx
          .update(serviceRequests)
          .set({ assigneeMemberId: caretaker.memberId, assignedAt: now })
          .where(and(eq(serviceRequests.associationId, id), eq(serviceRequests.id, request.id))),
      );
    expect((await stored(id, overdue.id)).overdueNotifiedAt).not.toBeNull();
    expect((await stored(id, done.id)).overdueNotifiedAt).not.toBeNull();

    const requests = new ServiceRequestsRepository(bed.primary.db);
    const pages: string[] = [];
    let after: ListKey | null = null;
    for (;;) {
      const rows = await requests.list(id, { kind: 'all' }, null, after, 1, now);
      pages.push(rows[0]!.id);
      if (rows.length === 1) break;
      // The cursor as the client gets it back: the key through the list's cursor schema.
      after = decodeCursor(encodeCursor(keyOf(rows[0]!, now)), listKey);
    }
    expect(pages).toEqual([overdue.id, fresh.id, done.id]);
    const whole = await requests.list(id, { kind: 'all' }, null, null, 10, now);
    expect(whole.map((row) => row.id)).toEqual([overdue.id, fresh.id, done.id]);

    const assignments = new AssignmentsRepository(bed.primary.db);
    const first = await assignments.assignedTo(id, caretaker.memberId, 2, null, now);
    expect(first.map((row) => row.id)).toEqual([overdue.id, fresh.id]);
    const second = await assignments.assignedTo(id, caretaker.memberId, 2, keyOf(first[0]!, now), now);
    expect(second.map((row) => row.id)).toEqual([fresh.id]);
  });
  it('lists first exactly what `overdue` says: a request flagged for its response deadline and acknowledged since is not', async () => {
    now = new Date('2026-12-07T09:00:00Z');
    const { id } = arrangeAssociation(bed);
    const late = await report(id, 'plumbing', 'normal', now);
    const newer = await report(id, 'plumbing', 'normal', new Date(now.getTime() + 3600 * 1000));
    await primary().sweep.sweep();
    now = new Date('2026-12-09T10:00:00Z'); // +49 h: the first request missed its 48-hour response deadline
    await primary().sweep.sweep();
    expect((await stored(id, late.id)).overdueNotifiedAt).not.toBeNull();
    const requests = new ServiceRequestsRepository(bed.primary.db);
    expect((await requests.list(id, { kind: 'all' }, null, null, 10, now)).map((row) => row.id)).toEqual([late.id, newer.id]);
    await bed.primary.db.tenant(id, (tx) =>
      tx
        .update(serviceRequests)
        .set({ status: 'acknowledged', acknowledgedAt: now })
        .where(and(eq(serviceRequests.associationId, id), eq(serviceRequests.id, late.id))),
    );
    const acknowledged = await stored(id, late.id);
    expect(isRequestOverdue(acknowledged, now)).toBe(false);
    expect((await requests.list(id, { kind: 'all' }, null, null, 10, now)).map((row) => row.id)).toEqual([newer.id, late.id]);
    // The cursor carries the same flag: the next page after the newer one holds the acknowledged one.
    const after = decodeCursor(encodeCursor(keyOf(await stored(id, newer.id), now)), listKey);
    expect((await requests.list(id, { kind: 'all' }, null, after, 10, now)).map((row) => row.id)).toEqual([late.id]);
  });

  it('keeps a request that falls overdue while someone pages on a page: later pages order as the first did', async () => {
    now = new Date('2026-12-07T09:00:00Z');
    const { id } = arrangeAssociation(bed);
    const hour = 3600 * 1000;
    const newest = await report(id, 'other', 'normal', new Date(now.getTime() - hour));
    const middle = await report(id, 'other', 'normal', new Date(now.getTime() - 2 * hour));
    // Its 48-hour response deadline passes half an hour from now, between the two pages.
    const falling = await report(id, 'other', 'normal', new Date(now.getTime() - 47.5 * hour));
    await primary().sweep.sweep();
    const requests = new ServiceRequestsRepository(bed.primary.db);
    // A page of one (the repository reads one more, to tell whether another page follows).
    const [first] = await requests.list(id, { kind: 'all' }, null, null, 1, now);
    expect(first!.id).toBe(newest.id);
    const after = decodeCursor(encodeCursor(keyOf(first!, now)), listKey);
    now = new Date(now.getTime() + hour);
    const rest = await requests.list(id, { kind: 'all' }, null, after, 10, listedAt(after, now));
    expect(rest.map((row) => row.id)).toEqual([middle.id, falling.id]);
  });
});

describe("deadline settings' privacy", () => {
  it('exports the settings a board member made, keeps them without the name after the erasure, and deletes them with the association', async () => {
    const { id, board } = arrangeAssociation(bed);
    await primary().service.set(requestOf(board), { category: 'outdoor', urgency: 'normal', responseHours: 24, resolutionHours: 72 });
    const privacy = new PrivacyRepository(bed.primary.db);
    expect((await privacy.exportMember(id, board.memberId)).service_request_deadline_settings).toEqual([
      expect.objectContaining({ category: 'outdoor', urgency: 'normal', response_hours: 24 }),
    ]);
    expect(await privacy.eraseMember(id, board.memberId, randomUUID(), false, false)).toMatchObject({ service_request_deadline_settings: 1 });
    expect(await primary().service.list(requestOf(board))).toContainEqual(
      expect.objectContaining({ category: 'outdoor', responseHours: 24, isDefault: false }),
    );
    expect((await privacy.exportMember(id, board.memberId)).service_request_deadline_settings).toEqual([]);
    expect(await privacy.eraseAssociation(id)).toMatchObject({ service_request_deadline_settings: 1 });
  });
});
