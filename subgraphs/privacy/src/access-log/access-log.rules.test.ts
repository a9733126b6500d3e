import { randomUUID } from 'node:crypto';
import { chainNext, firstBreak, GENESIS_HASH, reasonHash, type ChainedEntry } from './access-log.rules';

function chain(length: number): ChainedEntry[] {
  const entries: ChainedEntry[] = [];
  for (let i = 0; i < length; i++) {
    const previous = entries.at(-1) ?? null;
    entries.push({
      id: randomUUID(),
      ...chainNext(previous, {
        subjectPseudonym: randomUUID(),
        actorPseudonym: i % 2 ? randomUUID() : null,
        actorKind: i % 2 ? 'member' : 'system',
        kind: i % 2 ? 'read' : 'change',
        fields: ['phone', 'email'],
        operation: 'query Directory',
        at: new Date(Date.UTC(2026, 11, 6, 12, i)),
        reasonHash: i === 1 ? reasonHash('Support case 42', 'salt') : null,
      }),
    });
  }
  return entries;
}

const headOf = (entries: ChainedEntry[]) => ({ sequence: entries.at(-1)!.sequence, hash: entries.at(-1)!.hash });

describe('access log hash chain', () => {
  it('starts from the genesis hash and links every entry to the one before', () => {
    const entries = chain(3);
    expect(entries.map((e) => e.sequence)).toEqual([1, 2, 3]);
    expect(entries[0]!.previousHash).toBe(GENESIS_HASH);
    expect(entries[2]!.previousHash).toBe(entries[1]!.hash);
    expect(firstBreak(entries, headOf(entries))).toBeNull();
  });

  it('names an entry whose facts were edited', () => {
    const entries = chain(4);
    const head = headOf(entries);
    entries[2] = { ...entries[2]!, fields: ['name'] };
    expect(firstBreak(entries, head)).toEqual({ entryId: entries[2].id, problem: 'hash' });
  });

  it('names the entry after one that was rehashed to hide an edit', () => {
    const entries = chain(4);
    const head = headOf(entries);
    const edited = { ...entries[1]!, operation: 'nothing to see' };
    entries[1] = { ...edited, ...chainNext(entries[0]!, edited) };
    expect(firstBreak(entries, head)).toEqual({ entryId: entries[2]!.id, problem: 'link' });
  });

  it('names the entry after a deleted one, and a chain cut short of its head', () => {
    const entries = chain(4);
    const head = headOf(entries);
    expect(firstBreak([entries[0]!, entries[2]!, entries[3]!], head)).toEqual({ entryId: entries[2]!.id, problem: 'gap' });
    expect(firstBreak(entries.slice(0, 3), head)).toEqual({ entryId: entries[2]!.id, problem: 'truncated' });
    expect(firstBreak([], head)).toEqual({ entryId: null, problem: 'truncated' });
  });

  it('hides a reason behind its salt: the same text under another salt hashes differently', () => {
    expect(reasonHash('Support case 42', 'a')).not.toBe(reasonHash('Support case 42', 'b'));
    expect(reasonHash('Support case 42', 'a')).toMatch(/^[0-9a-f]{64}$/);
  });
});
