import { refusedAs, refusedRule, RuleViolation } from './db-errors';

/** What Drizzle throws for a failed statement: the PostgreSQL error is the cause. */
const pgError = (code: string, constraint?: string) => Object.assign(new Error('Failed query'), { cause: { code, constraint } });
const failing = (error: Error) => () => Promise.reject(error);

const RULES = { bookings_no_overlap: 'overlap', bookings_idempotency_key: 'key-used' } as const;

describe('refusedAs', () => {
  it('names a listed unique or exclusion violation by its rule, keeping the database error as the cause', async () => {
    const exclusion = pgError('23P01', 'bookings_no_overlap');
    const refused = await refusedAs(RULES, failing(exclusion)).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(RuleViolation);
    expect(refusedRule(refused)).toBe('overlap');
    expect((refused as Error).cause).toBe(exclusion);
    expect(refusedRule(await refusedAs(RULES, failing(pgError('23505', 'bookings_idempotency_key'))).catch((e: unknown) => e))).toBe('key-used');
  });

  it('passes every other failure through unchanged, unless a rule is named for any other duplicate', async () => {
    const otherDuplicate = pgError('23505', 'bookings_pkey');
    await expect(refusedAs(RULES, failing(otherDuplicate))).rejects.toBe(otherDuplicate);
    const deadlock = pgError('40P01');
    await expect(refusedAs(RULES, failing(deadlock), 'duplicate')).rejects.toBe(deadlock);
    expect(refusedRule(await refusedAs(RULES, failing(otherDuplicate), 'duplicate').catch((e: unknown) => e))).toBe('duplicate');
  });

  it('answers what the work answers, and refusedRule is null for anything but a RuleViolation', async () => {
    await expect(refusedAs(RULES, () => Promise.resolve(42))).resolves.toBe(42);
    expect(refusedRule(pgError('23505', 'bookings_no_overlap'))).toBeNull();
    expect(refusedRule(null)).toBeNull();
  });
});
