import type { PersonalDataCatalogue } from '@tunet/kit';
import { checkParts, type PrivacyPart } from './privacy.routes';

const table = { columns: ['member_id'], subject: ['member_id'], erasure: 'delete', lawfulBasis: 'contract' } as const;
const part = (...tables: string[]): PrivacyPart => ({ tables, export: () => Promise.resolve({}), erase: () => Promise.resolve([]) });

describe('checkParts', () => {
  const catalogue: PersonalDataCatalogue = { a: table, b: table };

  it('accepts every catalogue table answered by exactly one part', () => {
    expect(checkParts(catalogue, [part('a'), part('b')])).toEqual([]);
  });

  it('names a table no part answers, one two parts answer, and one outside the catalogue', () => {
    expect(checkParts(catalogue, [part('a')])).toEqual(['b: answered by 0 parts, not one']);
    expect(checkParts(catalogue, [part('a', 'b'), part('b', 'c')])).toEqual(['b: answered by 2 parts, not one', 'c: not in the catalogue']);
  });
});
