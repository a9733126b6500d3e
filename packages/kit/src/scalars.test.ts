import { LocalDateResolver } from './scalars';

describe('Date scalar', () => {
  it('keeps calendar dates as strings', () => {
    expect(LocalDateResolver.parseValue('2026-03-29')).toBe('2026-03-29');
    expect(LocalDateResolver.serialize('2024-02-29')).toBe('2024-02-29');
  });

  it.each(['2026-02-30', '2025-02-29', '29.03.2026', '2026-3-29', 20260329])('rejects %p', (value) => {
    expect(() => LocalDateResolver.parseValue(value)).toThrow(/YYYY-MM-DD/);
  });
});
