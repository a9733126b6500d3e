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
