import type { GraphQLError } from 'graphql';
import type { ServiceRequestStatus } from '../tables';
import { allowedTargets, checkPlace, checkReportText, checkTransition, REOPEN_DAYS, STATUSES, timestampsFor } from './service-requests.rules';

const NOW = new Date('2026-12-07T10:00:00Z');
const DAY = 24 * 60 * 60 * 1000;
const RECENTLY = new Date(NOW.getTime() - 3 * DAY);

/** The workflow as issue 15 states it, written out pair by pair: `${from}>${to}` for every legal change. */
const LEGAL = new Set([
  'new>acknowledged',
  'acknowledged>in_progress',
  'in_progress>waiting',
  'waiting>in_progress',
  'in_progress>resolved',
  'waiting>resolved',
  'resolved>closed',
  'resolved>in_progress',
  'new>rejected',
  'acknowledged>rejected',
  'in_progress>rejected',
  'waiting>rejected',
]);

function refusal(run: () => unknown): GraphQLError | null {
  try {
    run();
    return null;
  } catch (error) {
    return error as GraphQLError;
  }
}

describe('the service request workflow', () => {
  const pairs = STATUSES.flatMap((from) => STATUSES.map((to) => [from, to] as [ServiceRequestStatus, ServiceRequestStatus]));

  it('has seven statuses, so 49 pairs', () => {
    expect(pairs).toHaveLength(49);
  });

  it.each(pairs)('%s → %s', (from, to) => {
    const error = refusal(() => checkTransition({ from, to, reason: to === 'rejected' ? 'Ikke vår sak / not ours' : null }, RECENTLY, NOW));
    if (LEGAL.has(`${from}>${to}`)) {
      expect(error).toBeNull();
    } else {
      expect(error?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'status' });
      const allowed = [...LEGAL].filter((pair) => pair.startsWith(`${from}>`)).map((pair) => pair.split('>')[1]!.toUpperCase());
      expect([...(error!.extensions.allowed as string[])].sort()).toEqual(allowed.sort());
      expect(error!.message).toContain(allowed.length > 0 ? `Allowed: ${(error!.extensions.allowed as string[]).join(', ')}` : 'none: it is final');
    }
  });

  it(`lets the reporter reopen within ${REOPEN_DAYS} days of the resolution, not a millisecond later`, () => {
    const resolvedAt = new Date(NOW.getTime() - REOPEN_DAYS * DAY);
    expect(allowedTargets('resolved', resolvedAt, NOW)).toEqual(['closed', 'in_progress']);
    const late = new Date(NOW.getTime() + 1);
    expect(allowedTargets('resolved', resolvedAt, late)).toEqual(['closed']);
    const error = refusal(() => checkTransition({ from: 'resolved', to: 'in_progress', reason: null }, resolvedAt, late));
    expect(error?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'status', allowed: ['CLOSED'] });
    expect(error?.message).toContain('can no longer be reopened');
  });

  it('needs a reason to reject, trims it, and takes at most 1000 characters', () => {
    expect(refusal(() => checkTransition({ from: 'new', to: 'rejected', reason: '   ' }, null, NOW))?.extensions).toMatchObject({ field: 'reason' });
    expect(refusal(() => checkTransition({ from: 'new', to: 'rejected', reason: null }, null, NOW))?.extensions).toMatchObject({ field: 'reason' });
    expect(checkTransition({ from: 'new', to: 'rejected', reason: '  Styret tar ikke dette. ' }, null, NOW)).toBe('Styret tar ikke dette.');
    expect(refusal(() => checkTransition({ from: 'new', to: 'acknowledged', reason: 'x'.repeat(1001) }, null, NOW))?.extensions).toMatchObject({
      field: 'reason',
    });
    expect(checkTransition({ from: 'new', to: 'acknowledged', reason: undefined }, null, NOW)).toBeNull();
  });

  it('takes a reason only for a rejection or a reopening, the changes whose reason the reporter is meant to read', () => {
    const withReason = [...LEGAL].map((pair) => pair.split('>') as [ServiceRequestStatus, ServiceRequestStatus]);
    for (const [from, to] of withReason) {
      const error = refusal(() => checkTransition({ from, to, reason: 'Beboeren er vanskelig' }, RECENTLY, NOW));
      if (to === 'rejected' || (from === 'resolved' && to === 'in_progress')) expect(error).toBeNull();
      else expect([from, to, error?.extensions]).toMatchObject([from, to, { code: 'BAD_USER_INPUT', field: 'reason' }]);
    }
    expect(checkTransition({ from: 'resolved', to: 'in_progress', reason: ' Fortsatt kald ' }, RECENTLY, NOW)).toBe('Fortsatt kald');
    expect(checkTransition({ from: 'in_progress', to: 'waiting', reason: '   ' }, null, NOW)).toBeNull();
  });

  it('stamps the first acknowledgement, the latest resolution and the closing', () => {
    const earlier = new Date('2026-12-01T00:00:00Z');
    expect(timestampsFor('acknowledged', { acknowledgedAt: null }, NOW)).toEqual({ acknowledgedAt: NOW });
    expect(timestampsFor('acknowledged', { acknowledgedAt: earlier }, NOW)).toEqual({});
    expect(timestampsFor('resolved', { acknowledgedAt: earlier }, NOW)).toEqual({ resolvedAt: NOW });
    expect(timestampsFor('closed', { acknowledgedAt: earlier }, NOW)).toEqual({ closedAt: NOW });
    expect(timestampsFor('waiting', { acknowledgedAt: earlier }, NOW)).toEqual({});
  });
});

describe('a report', () => {
  const ok = { title: ' Lekkasje i vaskerommet ', description: 'Det drypper fra taket.', urgency: 'normal' as const };

  it('trims title and description and keeps the limits (120 and 4000 characters)', () => {
    expect(checkReportText(ok)).toEqual({ title: 'Lekkasje i vaskerommet', description: 'Det drypper fra taket.', urgency: 'normal', urgentReason: null });
    expect(refusal(() => checkReportText({ ...ok, title: '  ' }))?.extensions).toMatchObject({ field: 'title' });
    expect(refusal(() => checkReportText({ ...ok, title: 'x'.repeat(121) }))?.extensions).toMatchObject({ field: 'title' });
    expect(checkReportText({ ...ok, title: 'x'.repeat(120) }).title).toHaveLength(120);
    expect(refusal(() => checkReportText({ ...ok, description: '' }))?.extensions).toMatchObject({ field: 'description' });
    expect(refusal(() => checkReportText({ ...ok, description: 'x'.repeat(4001) }))?.extensions).toMatchObject({ field: 'description' });
  });

  it('is urgent only with one of the four reasons', () => {
    expect(refusal(() => checkReportText({ ...ok, urgency: 'urgent' }))?.extensions).toMatchObject({ field: 'urgentReason' });
    expect(refusal(() => checkReportText({ ...ok, urgentReason: 'water_leak' }))?.extensions).toMatchObject({ field: 'urgentReason' });
    expect(checkReportText({ ...ok, urgency: 'urgent', urgentReason: 'no_heat' })).toMatchObject({ urgency: 'urgent', urgentReason: 'no_heat' });
  });

  it('names a common area in 1–120 characters', () => {
    expect(checkPlace(' Sykkelboden ')).toBe('Sykkelboden');
    expect(refusal(() => checkPlace(null))?.extensions).toMatchObject({ field: 'location.place' });
    expect(refusal(() => checkPlace('x'.repeat(121)))?.extensions).toMatchObject({ field: 'location.place' });
  });
});
