// The architecture check (decision 0024): which file may import what. Run with `npm run check:architecture`,
// which also runs eslint.architecture.mjs for the conventions an import graph cannot see (`sql` templates and
// `tx.execute`/query builders outside repositories).

/** Tests and their helpers set up rows and read the catalogue directly; the rules hold production code. */
const TESTS = '(\\.test\\.ts|\\.fixtures\\.ts|/__fixtures__/.*)$';

/**
 * The kit's infrastructure owns SQL that is not one subgraph's: connections, tenancy and the migration runner,
 * the outbox, dead letters and handled event ids, the shared calendar-feed store. Add a file here only with a reason in decision 0024.
 */
const KIT_INFRASTRUCTURE =
  '^packages/kit/src/(database|calendar-feed-store|retention|url-signing-keys|events/outbox|events/dead-letters|events/handled-events)\\.ts$';

/** Table definitions declare columns (and a generated column's expression); they run no queries. A large subgraph keeps a domain's tables beside it (`<domain>.tables.ts`). */
const TABLE_DEFINITIONS = '^subgraphs/[^/]+/src/(tables|[a-z-]+/[a-z-]+\\.tables)\\.ts$';

const SQL_LIBRARIES = '^node_modules/(drizzle-orm|pg|pg-[^/]+|@electric-sql/pglite)/';

/** Modules that talk to the outside world: an access rule that imports one is no longer pure. */
const IO_MODULES = [
  SQL_LIBRARIES,
  '^node_modules/(ioredis|undici|nodemailer|web-push|jose|@aws-sdk/[^/]+|pino|express|dataloader)/',
  '^(fs|fs/promises|net|http|https|http2|dgram|child_process|dns|tls|worker_threads)$',
  '\\.(repository|service|resolvers|loaders|routes?|job|channel|provider|stream)\\.ts$',
  '/(tables|database|redis|fast-cache)\\.ts$',
];

module.exports = {
  forbidden: [
    {
      name: 'sql-only-in-repositories',
      comment:
        'Queries (drizzle, pg, PGlite) live in *.repository.ts and the listed kit infrastructure, so every statement is found in one kind of file with the tenant as an argument.',
      severity: 'error',
      from: { pathNot: ['\\.repository\\.ts$', KIT_INFRASTRUCTURE, TABLE_DEFINITIONS, TESTS] },
      to: { path: SQL_LIBRARIES, dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'tables-only-in-repositories',
      comment: 'Only repositories use the table objects (a query builder needs them); other files may import their types.',
      severity: 'error',
      // subgraph.ts wires the subgraph together and reads tables.ts's stored enum values for codegen's enumValues.
      from: { pathNot: ['\\.repository\\.ts$', '^subgraphs/[^/]+/src/subgraph\\.ts$', TABLE_DEFINITIONS, TESTS] },
      to: { path: TABLE_DEFINITIONS, dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'access-is-pure',
      comment: '*.access.ts decides who may do what from its arguments alone: it imports types and pure modules, nothing that does I/O.',
      severity: 'error',
      from: { path: '\\.access\\.ts$' },
      to: { path: IO_MODULES, dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'resolvers-call-services',
      comment: 'Resolvers stay thin: they call services (and access, loaders), never a repository or the tables.',
      severity: 'error',
      from: { path: '\\.resolvers\\.ts$' },
      to: { path: ['\\.repository\\.ts$', TABLE_DEFINITIONS, SQL_LIBRARIES], dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'fixtures-only-in-tests',
      comment: 'Test helpers are left out of the build, the lint of sources and these rules: production code must not need them.',
      severity: 'error',
      from: { pathNot: TESTS },
      to: { path: '(\\.fixtures\\.ts|/__fixtures__/.*)$' },
    },
    {
      name: 'no-subgraph-imports-another',
      comment: 'Subgraphs meet only through the supergraph and the event stream.',
      severity: 'error',
      from: { path: '^subgraphs/([^/]+)/' },
      to: { path: '^subgraphs/', pathNot: '^subgraphs/$1/' },
    },
    {
      name: 'gateway-imports-no-subgraph',
      comment: 'The gateway knows subgraphs only by their URLs and the composed supergraph.',
      severity: 'error',
      from: { path: '^gateway/' },
      to: { path: ['^subgraphs/', '^packages/stack/'] },
    },
    {
      name: 'packages-import-no-app',
      comment:
        'Shared packages sit below the gateway and the subgraphs. packages/stack is the exception: it is the composition root that boots them all in one process.',
      severity: 'error',
      from: { path: '^packages/', pathNot: '^packages/stack/' },
      to: { path: ['^subgraphs/', '^gateway/', '^packages/stack/'] },
    },
    {
      name: 'no-circular',
      comment:
        'A cycle makes load order matter and hides which layer owns what. Type-only imports are erased at build time, so a cycle through them alone is allowed.',
      severity: 'error',
      from: {},
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
    {
      name: 'not-to-unresolvable',
      comment: 'An import that resolves to nothing would hide a file from every rule above.',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: ['__generated__/', '/dist/'] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    combinedDependencies: true,
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'], mainFields: ['main', 'types'] },
  },
};
