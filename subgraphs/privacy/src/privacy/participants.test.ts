import { SUBGRAPHS } from '../../../../scripts/subgraph-registry';
import { PRIVACY_PARTICIPANTS } from './participants';

describe('PRIVACY_PARTICIPANTS', () => {
  it('names every registered subgraph once, members first and privacy last (the erasure order)', () => {
    expect([...PRIVACY_PARTICIPANTS].sort()).toEqual(SUBGRAPHS.map((subgraph) => subgraph.name).sort());
    expect(PRIVACY_PARTICIPANTS[0]).toBe('members');
    expect(PRIVACY_PARTICIPANTS.at(-1)).toBe('privacy');
  });
});
