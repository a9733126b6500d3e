import { randomUUID } from 'node:crypto';
import type { TunetPayload, TunetTopic } from '@tunet/events';
import type { Event, PrivacyStates } from '@tunet/kit';
import { eq } from 'drizzle-orm';
import { ClosuresRepository } from '../closures/closures.repository';
import { openNotificationsTestBed, type NotificationsTestBed } from '../notifications.fixtures';
import { notifications } from '../tables';
import { membersEvent } from './ingest.fixtures';

let bed: NotificationsTestBed;
/** Privacy's answers: members restricted per association; privacy is down for the associations in `unreachable`. */
const restricted = new Map<string, Record<string, string>>();
const unreachable = new Set<string>();

beforeAll(async () => {
  bed = await openNotificationsTestBed(
    {},
    {
      privacyStates: async (associationId): Promise<PrivacyStates> => {
        if (unreachable.has(associationId)) throw new Error('privacy answered HTTP 503');
        return { associationId, restricted: restricted.get(associationId) ?? {}, consents: {} };
      },
    },
  );
});

afterAll(() => bed.close());

function eventOf<T extends TunetTopic>(associationId: string, topic: T, payload: TunetPayload<T>): Event {
  return { eventId: randomUUID(), topic, associationId, occurredAt: new Date('2026-12-01T09:00:00Z'), payload };
}

/** An association with two board members, two residents and a contact e-mail. */
function association() {
  const tenant = bed.directory.addAssociation({ id: randomUUID(), name: 'Solbakken borettslag' }).id;
  const contact = `styret-${tenant.slice(0, 8)}@solbakken.test`;
  bed.directory.contacts.set(tenant, contact);
  const [leader, treasurer] = [bed.directory.add({ associationId: tenant, board: true }), bed.directory.add({ associationId: tenant, board: true })];
  const [kari, ola] = [bed.directory.add({ associationId: tenant }), bed.directory.add({ associationId: tenant })];
  return { tenant, contact, leader: leader.memberId, treasurer: treasurer.memberId, kari: kari.memberId, ola: ola.memberId };
}

/** Who the event reached, as `<category> <recipient>`, sorted. */
async function reached(tenant: string, event: Event): Promise<string[]> {
  await bed.subgraph.ingest.handle(event);
  const rows = await bed.subgraph.db.tenant(tenant, (tx) => tx.select().from(notifications).where(eq(notifications.eventId, event.eventId)));
  return rows.map((row) => `${row.category} ${row.recipient}`).sort();
}

const member = (id: string) => `privacy member:${id}`;
const sorted = (...list: string[]) => list.sort();

describe('privacy notifications', () => {
  it('tell the person, whoever asked for them, every member of a material notice, and the board and contact of the rest', async () => {
    const a = association();
    const board = [member(a.leader), member(a.treasurer), `privacy email:${a.contact}`];
    const requestId = randomUUID();
    const breachId = randomUUID();
    const at = '2026-12-01T08:00:00.000Z';

    expect(await reached(a.tenant, eventOf(a.tenant, 'privacy.export_ready', { requestId, memberId: a.kari, requestedBy: a.leader, expiresAt: at }))).toEqual(
      sorted(member(a.kari), member(a.leader)),
    );
    expect(
      await reached(
        a.tenant,
        eventOf(a.tenant, 'privacy.request_extended', { requestId, memberId: a.kari, kind: 'export', deadline: '2027-02-01', reason: 'Mange filer' }),
      ),
    ).toEqual([member(a.kari)]);
    expect(
      await reached(a.tenant, eventOf(a.tenant, 'privacy.request_completed', { requestId, memberId: a.kari, requestedBy: a.kari, kind: 'export' })),
    ).toEqual([member(a.kari)]);
    const notice = { noticeId: randomUUID(), version: 3, lastChangedOn: '2026-12-01' };
    expect(await reached(a.tenant, eventOf(a.tenant, 'privacy.notice_published', { ...notice, material: true }))).toEqual(
      sorted(member(a.leader), member(a.treasurer), member(a.kari), member(a.ola)),
    );
    expect(await reached(a.tenant, eventOf(a.tenant, 'privacy.notice_published', { ...notice, material: false }))).toEqual([]);
    const change = { changeId: randomUUID(), subprocessor: 'Apple APNs', change: 'added', effectiveOn: '2027-01-01', objectionDeadline: '2026-12-08' } as const;
    expect(await reached(a.tenant, eventOf(a.tenant, 'subprocessor.change_announced', { ...change, emergency: false, reason: null }))).toEqual(
      sorted(...board),
    );
    const breach = {
      breachId,
      suspectedAt: at,
      notifiedAt: at,
      authorityDeadline: '2026-12-04T08:00:00.000Z',
      dataCategories: ['e-post'],
      description: 'Feilsendt e-post',
    };
    expect(await reached(a.tenant, eventOf(a.tenant, 'breach.notified', breach))).toEqual(sorted(...board));
    expect(await reached(a.tenant, eventOf(a.tenant, 'breach.clock_overdue', { breachId, clock: 'notify_authority', dueAt: at }))).toEqual(sorted(...board));
    expect(await reached(a.tenant, eventOf(a.tenant, 'breach.clock_overdue', { breachId, clock: 'notify_association', dueAt: at }))).toEqual([]);
  });

  it("still tell a terminated association's board that its export is ready, and nothing else", async () => {
    const a = association();
    await new ClosuresRepository(bed.subgraph.db).close(a.tenant, { terminationId: randomUUID(), terminatedOn: '2026-11-30' });

    const ready = eventOf(a.tenant, 'association.export_ready', { exportId: randomUUID(), expiresAt: '2027-03-01T08:00:00.000Z' });
    expect(await reached(a.tenant, ready)).toEqual(sorted(member(a.leader), member(a.treasurer), `privacy email:${a.contact}`));
    const notice = eventOf(a.tenant, 'privacy.notice_published', { noticeId: randomUUID(), version: 4, material: true, lastChangedOn: '2026-12-01' });
    expect(await reached(a.tenant, notice)).toEqual([]);
  });

  it('reach a person whose processing is restricted only with what must reach them', async () => {
    const a = association();
    restricted.set(a.tenant, { [a.kari]: '2026-11-01T10:00:00.000Z' });

    expect(await reached(a.tenant, membersEvent(a.tenant, [a.kari, a.ola]))).toEqual([`comments member:${a.ola}`]);
    const extended = { requestId: randomUUID(), memberId: a.kari, kind: 'restriction', deadline: '2027-02-01', reason: 'Saken må avklares' } as const;
    expect(await reached(a.tenant, eventOf(a.tenant, 'privacy.request_extended', extended))).toEqual([member(a.kari)]);
  });

  it('hold optional messages back while privacy cannot say who is restricted, and still send those that must go', async () => {
    const a = association();
    unreachable.add(a.tenant);

    await expect(bed.subgraph.ingest.handle(membersEvent(a.tenant, [a.kari]))).rejects.toThrow(/privacy/);
    const extended = { requestId: randomUUID(), memberId: a.kari, kind: 'export', deadline: '2027-02-01', reason: 'Mange filer' } as const;
    expect(await reached(a.tenant, eventOf(a.tenant, 'privacy.request_extended', extended))).toEqual([member(a.kari)]);
  });
});
