import { changeClosedReason, closedReason, fitsAfterChange, placeFor, promotions, signUpReason, type SeatedEvent, type SeatedSignup } from './events.seating';

const event = (capacity: number | null): SeatedEvent => ({
  capacity,
  signupDeadline: null,
  startsAt: new Date('2026-12-01T18:00:00Z'),
  cancelledAt: null,
});
const signup = (id: string, seats: number, status: SeatedSignup['status']): SeatedSignup => ({
  id,
  adults: 1,
  children: seats - 1,
  status,
});

describe('seating', () => {
  it('confirms while seats fit and waitlists beyond, with no limit when capacity is null', () => {
    const active = [signup('a', 3, 'confirmed')];
    expect(placeFor(event(5), active, 2)).toBe('confirmed');
    expect(placeFor(event(5), active, 3)).toBe('waitlisted');
    expect(placeFor(event(null), active, 50)).toBe('confirmed');
  });

  it('waitlists a sign-up that would fit while others wait, so nobody overtakes', () => {
    const active = [signup('a', 3, 'confirmed'), signup('b', 4, 'waitlisted')];
    expect(placeFor(event(5), active, 1)).toBe('waitlisted');
  });

  it('promotes from the head while sign-ups fit and stops at the first that does not', () => {
    const active = [signup('a', 1, 'confirmed'), signup('b', 2, 'waitlisted'), signup('c', 3, 'waitlisted'), signup('d', 1, 'waitlisted')];
    expect(promotions(event(4), active).map((s) => s.id)).toEqual(['b']);
    expect(promotions(event(7), active).map((s) => s.id)).toEqual(['b', 'c', 'd']);
  });

  describe('whether a sign-up is taken (Event.signUpStatus and signUpForEvent share these)', () => {
    const startsAt = new Date('2026-12-01T18:00:00Z');
    const open = { capacity: 2, signupDeadline: new Date('2026-11-30T12:00:00Z'), startsAt, cancelledAt: null };
    const resident = { maySignUp: true, signedUp: false };

    it('is taken until the deadline, even when the seats are full (the waitlist takes it)', () => {
      expect(signUpReason(open, new Date('2026-11-30T12:00:00Z'), resident)).toBeNull();
    });

    it('closes after the deadline, or after the start when the board set none', () => {
      expect(signUpReason(open, new Date('2026-11-30T12:00:00.001Z'), resident)).toBe('SIGNUP_CLOSED');
      expect(closedReason({ ...open, signupDeadline: null }, new Date('2026-12-01T17:59:59Z'))).toBeNull();
      expect(closedReason({ ...open, signupDeadline: null }, new Date('2026-12-01T18:00:01Z'))).toBe('SIGNUP_CLOSED');
    });

    it('names the cancellation before the deadline, and both before a sign-up the member already has', () => {
      const cancelled = { ...open, cancelledAt: new Date('2026-11-01T00:00:00Z') };
      expect(signUpReason(cancelled, new Date('2026-12-02T00:00:00Z'), { maySignUp: true, signedUp: true })).toBe('EVENT_CANCELLED');
      expect(signUpReason(open, new Date('2026-12-02T00:00:00Z'), { maySignUp: true, signedUp: true })).toBe('SIGNUP_CLOSED');
      expect(signUpReason(open, new Date('2026-11-01T00:00:00Z'), { maySignUp: true, signedUp: true })).toBe('ALREADY_SIGNED_UP');
    });

    it('tells an external it is for residents whatever the event', () => {
      expect(signUpReason(open, new Date('2026-11-01T00:00:00Z'), { maySignUp: false, signedUp: false })).toBe('SIGNUP_RESIDENTS_ONLY');
    });
  });

  describe('changing a party (changeSignup)', () => {
    const mine = signup('mine', 2, 'confirmed');

    it('keeps a confirmed seat when shrinking, even with others waiting', () => {
      expect(fitsAfterChange(event(4), [mine, signup('b', 2, 'confirmed'), signup('c', 3, 'waitlisted')], mine, 1)).toBe(true);
    });

    it('grows only into free seats', () => {
      const active = [mine, signup('b', 1, 'confirmed')];
      expect(fitsAfterChange(event(5), active, mine, 4)).toBe(true);
      expect(fitsAfterChange(event(5), active, mine, 5)).toBe(false);
      expect(fitsAfterChange(event(null), active, mine, 50)).toBe(true);
    });

    it('does not grow past others who wait, even into free seats', () => {
      expect(fitsAfterChange(event(5), [mine, signup('c', 4, 'waitlisted')], mine, 3)).toBe(false);
    });

    it('past the deadline takes a shrink (or the same size) but no growth; a cancelled event takes nothing', () => {
      const late = new Date('2026-12-02T00:00:00Z');
      expect(changeClosedReason(event(5), late, mine, 1)).toBeNull();
      expect(changeClosedReason(event(5), late, mine, 2)).toBeNull();
      expect(changeClosedReason(event(5), late, mine, 3)).toBe('SIGNUP_CLOSED');
      expect(changeClosedReason({ ...event(5), cancelledAt: late }, late, mine, 1)).toBe('EVENT_CANCELLED');
      expect(changeClosedReason(event(5), new Date('2026-11-01T00:00:00Z'), mine, 3)).toBeNull();
    });

    it('lets a waitlisted sign-up change its size and keep its place', () => {
      const waiting = signup('w', 1, 'waitlisted');
      expect(fitsAfterChange(event(2), [mine, waiting], waiting, 4)).toBe(true);
    });
  });
});
