/**
 * The integration test files that also run on PGlite (decision 0050). Every *.int.test.ts runs on PostgreSQL, which
 * production uses; PGlite is the embedded backend of `npm start`, the same PostgreSQL compiled to WebAssembly, so
 * running a plain repository test twice re-tests PostgreSQL's SQL. What can differ is listed here, with the reason:
 * the database layer (one connection, its transaction queue, roles and RLS), extensions, the migrations and demo data
 * of every subgraph, collation-free ordering and text folding, binary data, and the event pipeline of the embedded
 * mode. `TEST_PGLITE=all npm test -- --selectProjects int:pglite` runs every file on PGlite.
 */
module.exports = [
  // kit: the PGlite adapter itself (tenant/system scopes, RLS under roles, savepoints) and the embedded event pipeline
  ['packages/kit/src/database.int.test.ts', 'the database layer: scopes, roles, RLS and transactions on one connection'],
  ['packages/kit/src/events/outbox.int.test.ts', 'the outbox under concurrent writers on the one-connection queue'],
  ['packages/kit/src/events/event-stream.int.test.ts', 'the embedded event stream'],
  ['packages/kit/src/events/event-subscriber.int.test.ts', 'consumers recording handled events in a PGlite transaction'],
  ['packages/kit/src/events/outbox-contracts.int.test.ts', 'every subgraph outbox table on PGlite'],
  ['packages/kit/src/concurrency-limit.int.test.ts', 'advisory locks'],
  ['packages/kit/src/revocations.int.test.ts', 'revocations read and written at the same time'],
  // the catalogue-wide checks: every schema's migrations, tables and policies as PGlite builds them
  ['test/row-level-security.int.test.ts', 'forced RLS and policies on every tenant table of every schema'],
  ['test/personal-data.int.test.ts', 'every subgraph answers the privacy contract on the embedded backend'],
  // extensions, generated columns, binary data and upgrades
  ['subgraphs/reservations/src/migrations.int.test.ts', 'btree_gist and the exclusion constraint against overlaps'],
  ['subgraphs/posts/src/calendar/calendar.upgrade.int.test.ts', 'a data-migrating upgrade'],
  ['subgraphs/reservations/src/calendar/calendar.upgrade.int.test.ts', 'a data-migrating upgrade'],
  ['subgraphs/posts/src/files/files.int.test.ts', 'bytea file contents'],
  ['subgraphs/privacy/src/archives/archives.int.test.ts', 'large bytea archives'],
  // the demo data `npm start` seeds
  ['subgraphs/reservations/src/reservations.demo.int.test.ts', 'demo data'],
  ['subgraphs/billing/src/billing.demo.int.test.ts', 'demo data'],
  // one core domain file per subgraph: its repositories' queries as the embedded demo runs them
  ['subgraphs/members/src/members/members.int.test.ts', 'directory order by the collation-free Norwegian sort key'],
  ['subgraphs/posts/src/posts/posts.int.test.ts', 'the feed and its keyset pagination'],
  ['subgraphs/posts/src/groups/groups.int.test.ts', 'row locks that keep group rules true'],
  ['subgraphs/reservations/src/bookings/bookings.int.test.ts', 'bookings, charges and the overlap race'],
  ['subgraphs/notifications/src/inbox/inbox.int.test.ts', 'the inbox'],
  ['subgraphs/notifications/src/live/inbox-feed.int.test.ts', 'the live inbox feed'],
  ['subgraphs/billing/src/subscriptions/subscriptions.int.test.ts', 'subscriptions and their exclusion rules'],
  ['subgraphs/privacy/src/requests/requests.int.test.ts', 'privacy requests and their steps'],
  ['subgraphs/operations/src/service-requests/service-requests.int.test.ts', 'service requests and their history'],
];
