import { DEFAULT_SUBGRAPH_TIMEOUT_MS, subgraphTimeoutsFromEnv, timeoutFor } from './subgraph-timeouts';

describe('subgraph timeouts from the environment', () => {
  it('takes a default for every subgraph and overrides by name', () => {
    const timeouts = subgraphTimeoutsFromEnv({ SUBGRAPH_TIMEOUT_MS: '3000', SUBGRAPH_MEMBERS_TIMEOUT_MS: '30000', SUBGRAPH_POSTS_URL: 'http://posts' });

    expect(timeoutFor(timeouts, 'members')).toBe(30_000);
    expect(timeoutFor(timeouts, 'posts')).toBe(3000);
  });

  it('waits the built-in default when nothing is set', () => {
    expect(timeoutFor(subgraphTimeoutsFromEnv({}), 'posts')).toBe(DEFAULT_SUBGRAPH_TIMEOUT_MS);
  });

  it.each(['0', '-5', '2s'])('refuses to start with %p', (value) => {
    expect(() => subgraphTimeoutsFromEnv({ SUBGRAPH_POSTS_TIMEOUT_MS: value })).toThrow('SUBGRAPH_POSTS_TIMEOUT_MS must be a whole number');
  });
});
