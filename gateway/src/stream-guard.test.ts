import { asksForIntrospection } from './stream-guard';

const body = (query: unknown) => Buffer.from(JSON.stringify({ query }));

describe('what counts as introspection on the stream', () => {
  it.each([
    ['__schema', '{ __schema { types { name } } }'],
    ['__type', '{ __type(name: "StreamNotification") { name } }'],
    ['an alias', '{ s: __schema { queryType { name } } }'],
    ['a fragment', 'subscription { ...F } fragment F on Subscription { __type(name: "Query") { name } }'],
  ])('%s is', (_what, query) => {
    expect(asksForIntrospection(body(query))).toBe(true);
  });

  it.each([
    ['the inbox subscription', 'subscription { inboxUpdated { unreadCount __typename } }'],
    ['a field merely named like one', '{ streamVersion }'],
    ['a document that does not parse', '{ __schema '],
    ['a body without a query', { notAQuery: true }],
  ])('%s is not', (_what, query) => {
    expect(asksForIntrospection(body(query))).toBe(false);
  });

  it('is not a body that is no JSON', () => {
    expect(asksForIntrospection(Buffer.from('query=__schema'))).toBe(false);
  });
});
