/**
 * The name of the unique constraint a failed statement violated, or null for any other failure. Drizzle wraps
 * driver errors, so the PostgreSQL error (SQLSTATE 23505) is the cause.
 */
export function violatedUniqueConstraint(error: unknown): string | null {
  const cause = (error as { cause?: { code?: string; constraint?: string } } | null)?.cause;
  return cause?.code === '23505' ? (cause.constraint ?? '') : null;
}
