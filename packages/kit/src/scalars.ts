import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';

export { DateTimeResolver } from 'graphql-scalars';

/** A real calendar date as `YYYY-MM-DD`; 2026-02-30 is not one. */
function parseLocalDate(value: unknown): string {
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value)) {
    const date = new Date(`${value}T00:00:00Z`);
    if (!Number.isNaN(date.getTime()) && date.toISOString().startsWith(value)) return value;
  }
  throw new GraphQLError(`Date must be a calendar date as YYYY-MM-DD, got ${JSON.stringify(value)}.`);
}

/**
 * Dates of tenures and terms are local calendar dates in the association's time zone, so they travel as strings
 * and never through a JavaScript Date, which would shift them across time zones.
 */
export const LocalDateResolver = new GraphQLScalarType<string, string>({
  name: 'Date',
  description: 'A calendar date as YYYY-MM-DD.',
  serialize: (value) => parseLocalDate(value),
  parseValue: (value) => parseLocalDate(value),
  parseLiteral: (ast) => parseLocalDate(ast.kind === Kind.STRING ? ast.value : undefined),
});
