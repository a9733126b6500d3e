/**
 * The name of the unique constraint a failed statement violated, or null for any other failure. Drizzle wraps
 * driver errors, so the PostgreSQL error (SQLSTATE 23505) is the cause.
 */
export function violatedUniqueConstraint(error: unknown): string | null {
  const cause = (error as { cause?: { code?: string; constraint?: string } } | null)?.cause;
  return cause?.code === '23505' ? (cause.constraint ?? '') : null;
}

/**
 * The name of the exclusion constraint a failed statement violated (SQLSTATE 23P01: a row overlapping another,
 * e.g. two bookings of one resource), or null for any other failure.
 */
export function violatedExclusionConstraint(error: unknown): string | null {
  const cause = (error as { cause?: { code?: string; constraint?: string } } | null)?.cause;
  return cause?.code === '23P01' ? (cause.constraint ?? '') : null;
}

/**
 * Whether PostgreSQL aborted the statement's transaction to break a deadlock (SQLSTATE 40P01). Nothing of it was
 * committed, so running the whole transaction again is safe.
 */
export function failedWithDeadlock(error: unknown): boolean {
  return (error as { cause?: { code?: string } } | null)?.cause?.code === '40P01';
}

/**
 * A rule of the domain that the database refused, named as the domain names it (`'overlap'`, not
 * `bookings_no_overlap`). Repositories raise it (`refusedAs`), so services decide what to tell the user without
 * knowing how the schema spells its constraints.
 */
export class RuleViolation<R extends string = string> extends Error {
  constructor(
    readonly rule: R,
    cause: unknown,
  ) {
    super(`the database refused the change: ${rule}`, { cause });
    this.name = 'RuleViolation';
  }
}

/**
 * Runs `work` and turns a unique or exclusion violation of one of `rules`' constraints (constraint name → rule)
 * into a RuleViolation; `otherwise` names the rule for any other unique violation. Anything else passes unchanged.
 */
export async function refusedAs<T, R extends string>(rules: Readonly<Record<string, R>>, work: () => Promise<T>, otherwise?: R): Promise<T> {
  try {
    return await work();
  } catch (error) {
    const constraint = violatedUniqueConstraint(error) ?? violatedExclusionConstraint(error);
    if (constraint !== null && Object.hasOwn(rules, constraint)) throw new RuleViolation(rules[constraint]!, error);
    if (otherwise !== undefined && violatedUniqueConstraint(error) !== null) throw new RuleViolation(otherwise, error);
    throw error;
  }
}

/** The rule a repository reported as refused (one of `R`), or null for any other failure. */
export function refusedRule<R extends string>(error: unknown): R | null {
  return error instanceof RuleViolation ? (error.rule as R) : null;
}
