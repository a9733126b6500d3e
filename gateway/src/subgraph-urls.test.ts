import { readFileSync } from 'node:fs';
import path from 'node:path';
import { subgraphNames, subgraphUrlsFromEnv } from './subgraph-urls';

const supergraph = readFileSync(path.resolve(__dirname, '../../schema/supergraph.graphql'), 'utf8');
const every = Object.fromEntries(subgraphNames(supergraph).map((name) => [`SUBGRAPH_${name.toUpperCase()}_URL`, `http://${name}.internal:4000/graphql`]));

describe('subgraph URLs from the environment', () => {
  it('reads every subgraph the supergraph routes to', () => {
    expect(subgraphNames(supergraph)).toEqual(
      expect.arrayContaining(['members', 'posts', 'reservations', 'notifications', 'billing', 'privacy', 'operations']),
    );
  });

  it('refuses a production start while any subgraph has no URL, naming each missing variable', () => {
    const { SUBGRAPH_POSTS_URL: _posts, SUBGRAPH_BILLING_URL: _billing, ...rest } = every;
    expect(() => subgraphUrlsFromEnv({ NODE_ENV: 'production', ...rest }, supergraph)).toThrow(
      /^SUBGRAPH_BILLING_URL, SUBGRAPH_POSTS_URL are not set: in production every subgraph's URL is configured explicitly/,
    );
    expect(() => subgraphUrlsFromEnv({ NODE_ENV: 'production', ...rest, SUBGRAPH_POSTS_URL: '' }, supergraph)).toThrow(/SUBGRAPH_POSTS_URL/);
  });

  it('takes a complete production configuration', () => {
    expect(subgraphUrlsFromEnv({ NODE_ENV: 'production', ...every }, supergraph)).toMatchObject({ posts: 'http://posts.internal:4000/graphql' });
  });

  it('lets development fall back to the supergraph URLs for the subgraphs not configured, with a warning naming them', () => {
    const warn = jest.fn();
    const { SUBGRAPH_POSTS_URL: _posts, SUBGRAPH_BILLING_URL: _billing, ...rest } = every;
    expect(subgraphUrlsFromEnv(rest, supergraph, { warn })).toMatchObject({ members: 'http://members.internal:4000/graphql' });
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn).toHaveBeenCalledWith(
      { fallbacks: { SUBGRAPH_BILLING_URL: 'http://localhost:4005/graphql', SUBGRAPH_POSTS_URL: 'http://localhost:4002/graphql' } },
      expect.stringMatching(/^SUBGRAPH_BILLING_URL, SUBGRAPH_POSTS_URL not set/),
    );
  });

  it('warns about nothing when no subgraph URL is set (npm start, tests) or every one is', () => {
    const warn = jest.fn();
    expect(subgraphUrlsFromEnv({}, supergraph, { warn })).toEqual({});
    expect(Object.keys(subgraphUrlsFromEnv(every, supergraph, { warn }))).toHaveLength(Object.keys(every).length);
    expect(warn).not.toHaveBeenCalled();
  });

  it('refuses a value that is not an http(s) URL', () => {
    expect(() => subgraphUrlsFromEnv({ SUBGRAPH_POSTS_URL: 'posts:4002' }, supergraph)).toThrow(/SUBGRAPH_POSTS_URL must be an http\(s\) URL/);
  });
});
