import { SUBGRAPHS } from '../../../../scripts/subgraph-registry';
import { PRIVACY_PARTICIPANTS } from './participants';

describe('PRIVACY_PARTICIPANTS', () => {
  it('names every registered subgraph once, members last', () => {
    expect([...PRIVACY_PARTICIPANTS].sort()).toEqual(SUBGRAPHS.map((subgraph) => subgraph.name).sort());
    expect(PRIVACY_PARTICIPANTS.at(-1)).toBe('members');
  });
});
