/**
 * Anonymous statistics (issue 14): a figure is shown only when every group it describes has at least
 * `MIN_GROUP_SIZE` people — those who did something and those who did not, since "all but two booked" names the
 * two as surely as "two booked" — and is suppressed otherwise, never rounded. Platform-wide figures add up only
 * associations whose own figure could be shown, and only over at least `MIN_ASSOCIATIONS` of them.
 */
export const MIN_GROUP_SIZE = 5;
export const MIN_ASSOCIATIONS = 5;

export interface Count {
  /** People (or households) who did it. */
  count: number;
  /** People (or households) who could have. */
  population: number;
}

export type Figure = ({ suppressed: false; share: number } & Count) | { suppressed: true; count: null; population: null; share: null };

const SUPPRESSED: Figure = { suppressed: true, count: null, population: null, share: null };

/** Whether both the group that did it and the group that did not have at least five people. */
export function showable({ count, population }: Count): boolean {
  return count >= MIN_GROUP_SIZE && population - count >= MIN_GROUP_SIZE;
}

/** One association's figure, or suppressed. */
export function associationFigure(counts: Count): Figure {
  if (!showable(counts)) return SUPPRESSED;
  return { suppressed: false, ...counts, share: counts.count / counts.population };
}

/** The platform's figure over the associations whose own figure is showable, or suppressed with fewer than five. */
export function platformFigure(perAssociation: readonly Count[]): Figure & { associations: number } {
  const included = perAssociation.filter(showable);
  if (included.length < MIN_ASSOCIATIONS) return { ...SUPPRESSED, associations: included.length };
  const count = included.reduce((sum, c) => sum + c.count, 0);
  const population = included.reduce((sum, c) => sum + c.population, 0);
  return { suppressed: false, count, population, share: count / population, associations: included.length };
}
