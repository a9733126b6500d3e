import type { z } from 'zod';
import { badUserInput } from './errors';

/** Parses input with a zod schema; the first problem becomes a BAD_USER_INPUT naming the offending field. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue?.path.join('.') || 'input';
  throw badUserInput(field, issue ? `${field}: ${issue.message}` : 'Invalid input.');
}

/** Drops keys whose value is undefined (not given), keeping nulls (which clear a field). */
export function definedOnly<T extends Record<string, unknown>>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
