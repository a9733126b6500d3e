import { randomUUID } from 'node:crypto';
import type { Viewer } from '@tunet/kit';
import { viewerIn } from '@tunet/kit/src/kit.fixtures';
import { StatisticsService } from './statistics.service';
import type { Activity, UsageSource } from './usage-source';

/**
 * The statistics service on the answers the routes give (member ids): it counts only residents, intersects, and lets
 * out nothing the k ≥ 5 rule withholds. The routes' SQL runs through the gateway in test/e2e/privacy-registers.
 */
type Town = { timeZone: string; residents: string[]; bookers: string[]; commenters: string[] };

const people = (n: number) => Array.from({ length: n }, () => randomUUID());

function town(residents: number, booked: number, commented: number, strangers: string[] = []): Town {
  const ids = people(residents);
  return { timeZone: 'Europe/Oslo', residents: ids, bookers: [...ids.slice(0, booked), ...strangers], commenters: ids.slice(0, commented) };
}

async function errorOf(promise: Promise<unknown>): Promise<Record<string, unknown>> {
  try {
    await promise;
  } catch (error) {
    const { code, field } = (error as { extensions: Record<string, unknown> }).extensions;
    return field === undefined ? { code } : { code, field };
  }
  throw new Error('expected a refusal');
}

describe('anonymous usage statistics (decision 0040)', () => {
  const now = new Date('2026-12-31T23:30:00Z'); // 1 January 2027 in Oslo
  const towns = new Map<string, Town>();
  const asked: { activity: Activity; month: string; timeZone: string }[] = [];
  const source: UsageSource = {
    residents: async (associationId, month, at) => {
      const found = towns.get(associationId);
      if (!found) return null;
      expect(at).toEqual(now);
      return { month: month ?? '2027-01', timeZone: found.timeZone, memberIds: found.residents };
    },
    active: async (activity, associationId, month, timeZone) => {
      asked.push({ activity, month, timeZone });
      return towns.get(associationId)![activity];
    },
  };
  const listed: string[] = [];
  const service = new StatisticsService(source, { list: async () => listed.map((associationId) => ({ associationId, name: associationId })) }, () => now);
  const operator: Viewer = { accountId: randomUUID(), associationId: null, memberId: null, role: null, platformAdmin: true, sessionId: null };
  const add = (t: Town) => {
    const id = randomUUID();
    towns.set(id, t);
    listed.push(id);
    return id;
  };

  beforeEach(() => {
    towns.clear();
    listed.length = 0;
    asked.length = 0;
  });

  it('gives the board the shares of its residents, counting only residents, for this month in its zone', async () => {
    // Two who booked are no residents (an external, the "Former resident"): left out of both count and population.
    const id = add(town(40, 10, 6, [randomUUID(), randomUUID()]));
    const stats = await service.forAssociation(viewerIn(id, 'board'), id, null);
    expect(stats).toEqual({
      month: '2027-01',
      booked: { suppressed: false, suppressionReason: null, count: 10, population: 40, share: 0.25 },
      commented: { suppressed: false, suppressionReason: null, count: 6, population: 40, share: 0.15 },
    });
    expect(asked.map((a) => [a.activity, a.month, a.timeZone]).sort()).toEqual([
      ['bookers', '2027-01', 'Europe/Oslo'],
      ['commenters', '2027-01', 'Europe/Oslo'],
    ]);
  });

  it('withholds a figure with fewer than five who did it or fewer than five who did not, never rounding', async () => {
    const few = add(town(40, 4, 36));
    const stats = await service.forAssociation(viewerIn(few, 'board'), few, '2026-11');
    const withheld = { suppressed: true, suppressionReason: 'SMALL_GROUP', count: null, population: null, share: null };
    expect(stats).toEqual({ month: '2026-11', booked: withheld, commented: withheld });
  });

  it('lets the board and operators in only, and takes whole months that have begun', async () => {
    const id = add(town(40, 10, 10));
    expect(await errorOf(service.forAssociation(null, id, null))).toEqual({ code: 'UNAUTHENTICATED' });
    expect(await errorOf(service.forAssociation(viewerIn(id, 'resident'), id, null))).toEqual({ code: 'FORBIDDEN' });
    expect(await errorOf(service.forAssociation(viewerIn(randomUUID(), 'board'), id, null))).toEqual({ code: 'FORBIDDEN' });
    expect(await errorOf(service.forAssociation({ ...viewerIn(id, 'board'), integration: { apiKeyId: randomUUID() } } as Viewer, id, null))).toEqual({
      code: 'FORBIDDEN',
    });
    expect((await service.forAssociation(operator, id, '2026-12')).booked.count).toBe(10);
    for (const month of ['2026-12-01', '2026-13', '26-12', '2026-12 or 1=1'])
      expect(await errorOf(service.forAssociation(operator, id, month))).toEqual({ code: 'BAD_USER_INPUT', field: 'month' });
    expect(await errorOf(service.forAssociation(operator, id, '2027-02'))).toEqual({ code: 'BAD_USER_INPUT', field: 'month' });
    expect(await errorOf(service.forAssociation(operator, randomUUID(), null))).toEqual({ code: 'NOT_FOUND' });
  });

  it('adds up platform-wide only over five associations whose own figure is showable', async () => {
    for (let i = 0; i < 4; i++) add(town(20, 5, 5));
    add(town(30, 2, 10)); // its booking figure is withheld, so it is not in the platform's
    expect(await errorOf(service.forPlatform(viewerIn(listed[0]!, 'board'), null))).toEqual({ code: 'FORBIDDEN' });
    const four = await service.forPlatform(operator, null);
    expect(four.month).toBe('2027-01');
    expect(four.booked).toEqual({ suppressed: true, suppressionReason: 'FEW_ASSOCIATIONS', count: null, population: null, share: null, associations: 4 });
    expect(four.commented).toMatchObject({ suppressed: false, count: 30, population: 110, associations: 5 });
    add(town(20, 15, 0));
    const five = await service.forPlatform(operator, '2026-12');
    expect(five.booked).toEqual({ suppressed: false, suppressionReason: null, count: 35, population: 100, share: 0.35, associations: 5 });
    expect(five.commented).toMatchObject({ count: 30, population: 110, associations: 5 });
  });
});
