import { GraphQLError } from 'graphql';
import type { z } from 'zod';
import { isErrorReason } from './error-messages';
import { errorReasons, type ErrorReason, type ReasonParams } from './error-reasons';
import { hasFormatText } from './error-reasons-common';

/** One invalid field of an input: its path relative to the input, the reason with its parameters, and the message. */
export interface InvalidField {
  field: string;
  reason: ErrorReason;
  message: string;
  [param: string]: string | number | boolean | null;
}

/**
 * Parses input with a zod schema. Every problem is reported at once: one BAD_USER_INPUT whose `field`, `reason` and
 * message are the first problem's, and `extensions.invalidFields` lists them all (`{ field, reason, ...params,
 * message }`, field paths relative to the input: `title`, `slots.0.startsAt`). Messages come from the reasons, never
 * from zod's own text. A refinement names its reason with `params: { reason: 'END_BEFORE_START', start: 'startsAt' }`.
 */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw invalidInput(result.error.issues.map(invalidFieldOf));
}

/** One BAD_USER_INPUT for several invalid fields (see parseInput), for checks made after parsing too. */
export function invalidInput(fields: InvalidField[]): GraphQLError {
  const [first] = fields;
  if (!first) return new GraphQLError('Invalid input.', { extensions: { code: 'BAD_USER_INPUT', reason: 'INVALID_VALUE', field: 'input' } });
  const { message, ...extensions } = first;
  return new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', ...extensions, invalidFields: fields } });
}

/** A zod issue as an invalid field with a reason a UI can act on. */
export function invalidFieldOf(issue: z.core.$ZodIssue): InvalidField {
  const field = issue.path.map(String).join('.') || 'input';
  const [reason, params] = reasonOf(issue);
  // A refinement's or a regex's own message is kept for English callers of INVALID_VALUE (it says more than the
  // generic text): `.regex(re, 'must be four digits')`.
  const ownMessage = reason === 'INVALID_VALUE' && (issue.code === 'custom' || issue.code === 'invalid_format');
  const message = ownMessage ? `${field}: ${issue.message}` : errorReasons[reason].en(params);
  return { field, reason, ...params, message };
}

function reasonOf(issue: z.core.$ZodIssue): [ErrorReason, ReasonParams] {
  switch (issue.code) {
    case 'invalid_type':
      // zod reports a missing value as "received undefined"; the received value is not kept on the issue.
      return /received (undefined|null)$/.test(issue.message) ? ['REQUIRED', {}] : ['INVALID_TYPE', { expected: issue.expected }];
    case 'too_small': {
      const minimum = bound(issue.minimum);
      if (issue.origin === 'string') return Number(issue.minimum) <= 1 ? ['REQUIRED', {}] : ['TOO_SHORT', { minimum }];
      if (issue.origin === 'array' || issue.origin === 'set') return ['TOO_FEW', { minimum }];
      // .positive() / .gt(0) is exclusive: "Must be at least 0." would accept the 0 it refuses.
      return ['TOO_SMALL', issue.inclusive === false ? { minimum, exclusive: true } : { minimum }];
    }
    case 'too_big': {
      const maximum = bound(issue.maximum);
      if (issue.origin === 'string') return ['TOO_LONG', { maximum }];
      if (issue.origin === 'array' || issue.origin === 'set') return ['TOO_MANY', { maximum }];
      return ['TOO_LARGE', issue.inclusive === false ? { maximum, exclusive: true } : { maximum }];
    }
    case 'invalid_format':
      // A format without its own text (a regex) would read "Must be a valid regex."; its thrower's message says more.
      return hasFormatText(issue.format) ? ['INVALID_FORMAT', { format: issue.format }] : ['INVALID_VALUE', {}];
    case 'invalid_value':
      return ['INVALID_CHOICE', { options: issue.values.map(String).join(', ') }];
    case 'unrecognized_keys':
      return ['UNKNOWN_FIELD', { keys: issue.keys.join(', ') }];
    case 'custom': {
      const { reason, ...params } = (issue.params ?? {}) as Record<string, unknown>;
      return isErrorReason(reason) ? [reason, params as ReasonParams] : ['INVALID_VALUE', {}];
    }
    default:
      return ['INVALID_VALUE', {}];
  }
}

/** Limits are numbers; a date limit (from z.date().min) travels as its ISO date-time. */
function bound(limit: unknown): number | string {
  if (limit instanceof Date) return limit.toISOString();
  return Number(limit);
}

/** Drops keys whose value is undefined (not given), keeping nulls (which clear a field). */
export function definedOnly<T extends Record<string, unknown>>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
