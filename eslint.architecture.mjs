// The half of the architecture check an import graph cannot see (decision 0024): a file may import drizzle only
// for types and still build SQL with a `sql` template or run it with `tx.execute`. Run by
// `npm run check:architecture` on its own (no type information, a few seconds); .dependency-cruiser.cjs holds the rest.
import tseslint from 'typescript-eslint';

const message = 'SQL belongs in a *.repository.ts (or the kit infrastructure listed in .dependency-cruiser.cjs); call a repository method.';

export default [
  { ignores: ['**/node_modules/', '**/__generated__/', '**/dist/'] },
  {
    files: ['gateway/src/**/*.ts', 'packages/*/src/**/*.ts', 'subgraphs/*/src/**/*.ts'],
    ignores: [
      '**/*.repository.ts',
      // Kit infrastructure: connections and tenancy, migrations, the outbox, dead letters, handled event ids, the calendar-feed store, link signing keys.
      'packages/kit/src/database.ts',
      'packages/kit/src/calendar-feed-store.ts',
      'packages/kit/src/retention.ts',
      'packages/kit/src/url-signing-keys.ts',
      'packages/kit/src/events/outbox.ts',
      'packages/kit/src/events/dead-letters.ts',
      'packages/kit/src/events/handled-events.ts',
      // Table definitions may give a generated column its SQL expression.
      'subgraphs/*/src/tables.ts',
      // Tests and their helpers set up rows directly.
      '**/*.test.ts',
      '**/*.fixtures.ts',
      '**/__fixtures__/**',
    ],
    languageOptions: { parser: tseslint.parser },
    rules: {
      'no-restricted-syntax': [
        'error',
        { selector: 'TaggedTemplateExpression[tag.name="sql"]', message },
        { selector: 'CallExpression[callee.object.name="sql"]', message },
        { selector: 'CallExpression[callee.type="MemberExpression"][callee.property.name="execute"][callee.object.type!="ThisExpression"]', message },
        {
          selector:
            'CallExpression[callee.type="MemberExpression"][callee.object.name=/^(tx|trx)$/][callee.property.name=/^(select|selectDistinct|insert|update|delete|with|query)$/]',
          message,
        },
      ],
    },
  },
];
