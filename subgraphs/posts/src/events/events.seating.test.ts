import { placeFor, promotions, type SeatedEvent, type SeatedSignup } from './events.seating';

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
});
