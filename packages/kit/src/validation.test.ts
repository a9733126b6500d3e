import type { GraphQLError } from 'graphql';
import { z } from 'zod';
import { parseInput } from './validation';

const eventInput = z
  .object({
    title: z.string().trim().min(1).max(200),
    startsAt: z.date(),
    endsAt: z.date(),
    capacity: z.number().int().min(1).max(100_000).nullish(),
    email: z.email().optional(),
    kind: z.enum(['PARTY', 'MEETING']).optional(),
    slots: z
      .array(z.object({ startsAt: z.date(), note: z.string().min(3) }))
      .max(2)
      .optional(),
  })
  .superRefine((input, ctx) => {
    if (input.endsAt < input.startsAt)
      ctx.addIssue({ code: 'custom', path: ['endsAt'], message: 'must not be before startsAt', params: { reason: 'END_BEFORE_START', start: 'startsAt' } });
  });

function refusal(input: unknown): GraphQLError {
  try {
    parseInput(eventInput, input);
  } catch (error) {
    return error as GraphQLError;
  }
  throw new Error('parseInput accepted the input');
}

describe('parseInput', () => {
  it('reports every invalid field at once, cross-field rules included, with paths relative to the input', () => {
    const error = refusal({ title: '  ', startsAt: new Date('2026-12-24T18:00:00Z'), endsAt: new Date('2026-12-24T17:00:00Z'), capacity: 0 });
    expect(error.extensions).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'title',
      reason: 'REQUIRED',
      invalidFields: [
        { field: 'title', reason: 'REQUIRED', message: 'This field is required.' },
        { field: 'capacity', reason: 'TOO_SMALL', minimum: 1, message: 'Must be at least 1.' },
        { field: 'endsAt', reason: 'END_BEFORE_START', start: 'startsAt', message: 'The end must not be before the start.' },
      ],
    });
    expect(error.message).toBe('This field is required.');
  });

  it('maps each kind of problem to a reason with its limit, never zod text', () => {
    const error = refusal({
      title: 'x'.repeat(201),
      startsAt: new Date(0),
      endsAt: new Date(0),
      email: 'not-mail',
      kind: 'PICNIC',
      slots: [
        { startsAt: new Date(0), note: 'ab' },
        { startsAt: 'soon', note: 'abc' },
      ],
    });
    const fields = (error.extensions.invalidFields as Record<string, unknown>[]).map(({ message, ...rest }) => {
      expect(message).not.toMatch(/expected|Invalid input|Too (small|big)|>=|<=/);
      return rest;
    });
    expect(fields).toEqual([
      { field: 'title', reason: 'TOO_LONG', maximum: 200 },
      { field: 'email', reason: 'INVALID_FORMAT', format: 'email' },
      { field: 'kind', reason: 'INVALID_CHOICE', options: 'PARTY, MEETING' },
      { field: 'slots.0.note', reason: 'TOO_SHORT', minimum: 3 },
      { field: 'slots.1.startsAt', reason: 'INVALID_TYPE', expected: 'date' },
    ]);
    const tooMany = refusal({ title: 'x', startsAt: new Date(0), endsAt: new Date(0), slots: [1, 2, 3].map(() => ({ startsAt: new Date(0), note: 'abc' })) });
    expect(tooMany.extensions).toMatchObject({ field: 'slots', reason: 'TOO_MANY', maximum: 2 });
  });

  it('reports a missing field as REQUIRED and a refinement without a reason as INVALID_VALUE with its own text', () => {
    const missing = refusal({ startsAt: new Date(0), endsAt: new Date(0) });
    expect(missing.extensions).toMatchObject({ field: 'title', reason: 'REQUIRED' });
    const custom = z.object({ code: z.string() }).refine((v) => v.code !== 'x', { path: ['code'], message: 'is taken' });
    expect(() => parseInput(custom, { code: 'x' })).toThrow(
      expect.objectContaining({ message: 'code: is taken', extensions: expect.objectContaining({ reason: 'INVALID_VALUE', field: 'code' }) }),
    );
  });

  it("keeps a regex's own message instead of 'Must be a valid regex', and gives a uuid its own text", () => {
    const address = z.object({ postalCode: z.string().regex(/^\d{4}$/, 'must be four digits'), id: z.uuid().optional() });
    const error = (input: unknown) => {
      try {
        parseInput(address, input);
      } catch (thrown) {
        return thrown as GraphQLError;
      }
      throw new Error('parseInput accepted the input');
    };
    expect(error({ postalCode: '12' }).extensions).toMatchObject({
      reason: 'INVALID_VALUE',
      field: 'postalCode',
      invalidFields: [{ field: 'postalCode', reason: 'INVALID_VALUE', message: 'postalCode: must be four digits' }],
    });
    expect(error({ postalCode: '12' }).message).toBe('postalCode: must be four digits');
    const uuid = error({ postalCode: '0150', id: 'nope' });
    expect(uuid.extensions).toMatchObject({ field: 'id', reason: 'INVALID_FORMAT', format: 'uuid' });
    expect(uuid.message).toBe('Must be an id as Tunet gives it (a UUID).');
  });

  it("gives zod's ISO date-time format its own text, not zod's 'Invalid ISO datetime'", () => {
    const event = z.object({ startsAt: z.iso.datetime({ offset: true }) });
    const result = (() => {
      try {
        parseInput(event, { startsAt: 'tomorrow' });
      } catch (thrown) {
        return thrown as GraphQLError;
      }
      throw new Error('parseInput accepted the input');
    })();
    expect(result.extensions).toMatchObject({ field: 'startsAt', reason: 'INVALID_FORMAT', format: 'datetime' });
    expect(result.message).toBe('Must be a date and time in ISO 8601 with its offset (2026-05-01T18:00:00+02:00).');
  });

  it('says "more than" for an exclusive minimum (.positive(), .gt) and "less than" for an exclusive maximum', () => {
    const amounts = z.object({ price: z.number().positive(), share: z.number().lt(1) });
    const fields = (() => {
      try {
        parseInput(amounts, { price: 0, share: 1 });
      } catch (thrown) {
        return (thrown as GraphQLError).extensions.invalidFields;
      }
      throw new Error('parseInput accepted the input');
    })();
    expect(fields).toEqual([
      { field: 'price', reason: 'TOO_SMALL', minimum: 0, exclusive: true, message: 'Must be more than 0.' },
      { field: 'share', reason: 'TOO_LARGE', maximum: 1, exclusive: true, message: 'Must be less than 1.' },
    ]);
  });
});
