import { associationFigure, platformFigure } from './statistics.rules';

describe('k ≥ 5 for every group', () => {
  it('shows a figure when both who did and who did not are at least five', () => {
    expect(associationFigure({ count: 5, population: 10 })).toEqual({ suppressed: false, count: 5, population: 10, share: 0.5 });
  });

  it('suppresses (not rounds) fewer than five who did it', () => {
    expect(associationFigure({ count: 4, population: 100 })).toEqual({ suppressed: true, count: null, population: null, share: null });
    expect(associationFigure({ count: 0, population: 100 }).suppressed).toBe(true);
  });

  it('suppresses fewer than five who did not, which names them as well', () => {
    expect(associationFigure({ count: 96, population: 100 }).suppressed).toBe(true);
    expect(associationFigure({ count: 95, population: 100 }).suppressed).toBe(false);
  });

  it('suppresses an association smaller than ten', () => {
    expect(associationFigure({ count: 5, population: 9 }).suppressed).toBe(true);
  });
});

describe('platform-wide only over at least five associations', () => {
  const ok = { count: 10, population: 40 };

  it('is suppressed with four showable associations, however many people', () => {
    expect(platformFigure([ok, ok, ok, { count: 1000, population: 3000 }])).toMatchObject({ suppressed: true, associations: 4 });
  });

  it('adds up five showable associations', () => {
    expect(platformFigure([ok, ok, ok, ok, ok])).toEqual({ suppressed: false, count: 50, population: 200, share: 0.25, associations: 5 });
  });

  it('leaves out an association whose own figure is suppressed, so it cannot be found by difference', () => {
    const small = { count: 2, population: 30 };
    expect(platformFigure([ok, ok, ok, ok, small])).toMatchObject({ suppressed: true, associations: 4 });
    expect(platformFigure([ok, ok, ok, ok, ok, small])).toMatchObject({ count: 50, population: 200, associations: 5 });
  });
});
