import { lateReminder, type RemindedEvent } from './events.reminders';

const NOW = new Date('2026-12-01T12:00:00Z');
const MEMBER = '00000000-0000-4000-8000-000000000001';
const SEAT = { memberId: MEMBER, status: 'confirmed' as const };

const event = (changes: Partial<RemindedEvent> = {}): RemindedEvent => ({
  id: '00000000-0000-4000-8000-0000000000e1',
  title: 'Dugnad',
  place: 'Gården',
  startsAt: new Date('2026-12-01T18:00:00Z'),
  remindedAt: new Date('2026-12-01T10:00:00Z'),
  cancelledAt: null,
  ...changes,
});

describe('a late reminder (seat confirmed after the sweep)', () => {
  it('goes to that member alone, shaped as the sweep shapes it', () => {
    expect(lateReminder(event(), SEAT, false, NOW)).toEqual({
      topic: 'event.reminder_due',
      payload: { eventId: event().id, title: 'Dugnad', startsAt: '2026-12-01T18:00:00.000Z', place: 'Gården', recipients: [MEMBER] },
    });
  });

  it('is not sent before the sweep reminded the event, which covers the seat then', () => {
    expect(lateReminder(event({ remindedAt: null }), SEAT, false, NOW)).toBeNull();
  });

  it('is not sent to a member reminded already, by an earlier sign-up they cancelled, nor to one still waiting', () => {
    expect(lateReminder(event(), SEAT, true, NOW)).toBeNull();
    expect(lateReminder(event(), { ...SEAT, status: 'waitlisted' }, false, NOW)).toBeNull();
  });

  it('is not sent for a cancelled event or one that has started', () => {
    expect(lateReminder(event({ cancelledAt: new Date('2026-12-01T11:00:00Z') }), SEAT, false, NOW)).toBeNull();
    expect(lateReminder(event({ startsAt: NOW }), SEAT, false, NOW)).toBeNull();
    expect(lateReminder(event({ startsAt: new Date('2026-12-01T11:59:00Z') }), SEAT, false, NOW)).toBeNull();
  });
});
