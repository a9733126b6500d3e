import { endOfDayIn } from './calendar-feeds';

describe('the end of a move-out day', () => {
  it.each([
    ['in winter (UTC+1)', '2026-01-15', '2026-01-15T23:00:00.000Z'],
    ['in summer (UTC+2)', '2026-07-01', '2026-07-01T22:00:00.000Z'],
    ['the day before summer time starts', '2026-03-28', '2026-03-28T23:00:00.000Z'],
    ['on the day summer time starts', '2026-03-29', '2026-03-29T22:00:00.000Z'],
    ['the day before summer time ends', '2026-10-24', '2026-10-24T22:00:00.000Z'],
    ['on the day summer time ends', '2026-10-25', '2026-10-25T23:00:00.000Z'],
    ['across a new year', '2026-12-31', '2026-12-31T23:00:00.000Z'],
  ])('is midnight in Oslo %s', (_case, date, expected) => {
    expect(endOfDayIn(date, 'Europe/Oslo').toISOString()).toBe(expected);
  });
});

describe('the end of a day in another zone', () => {
  it('is midnight there, in its own summer time', () => {
    expect(endOfDayIn('2026-07-01', 'America/New_York').toISOString()).toBe('2026-07-02T04:00:00.000Z');
  });
});
