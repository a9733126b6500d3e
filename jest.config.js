/**
 * Four projects, one `npm test`:
 * - unit:          *.test.ts beside the code, no I/O
 * - int:postgres:  *.int.test.ts against the PostgreSQL server that scripts/run-tests.ts started
 * - int:pglite:    the integration tests where PGlite can differ, listed in test/setup/pglite-files.js (decision 0050);
 *                  TEST_PGLITE=all runs every one
 * - e2e:           test/e2e/*.e2e.test.ts through the real gateway over HTTP (PostgreSQL + Redis)
 */
const transform = {
  '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } }],
};
const common = { transform, testEnvironment: 'node', rootDir: __dirname, testPathIgnorePatterns: ['/node_modules/', '/.data/'] };
const INT = '\\.int\\.test\\.ts$';
const E2E = '\\.e2e\\.test\\.ts$';
const escapeRegExp = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
// eslint-disable-next-line @typescript-eslint/no-require-imports -- jest reads this CommonJS config as it is
const pgliteFiles = require('./test/setup/pglite-files');
const PGLITE = process.env.TEST_PGLITE === 'all' ? INT : `/(${pgliteFiles.map(([file]) => escapeRegExp(file)).join('|')})$`;

module.exports = {
  projects: [
    { ...common, displayName: 'unit', testRegex: '\\.test\\.ts$', testPathIgnorePatterns: [...common.testPathIgnorePatterns, INT, E2E] },
    { ...common, displayName: 'int:postgres', testRegex: INT, setupFiles: ['<rootDir>/test/setup/postgres-backend.js'] },
    { ...common, displayName: 'int:pglite', testRegex: PGLITE, setupFiles: ['<rootDir>/test/setup/pglite-backend.js'] },
    { ...common, displayName: 'e2e', testRegex: E2E, setupFiles: ['<rootDir>/test/setup/postgres-backend.js'] },
  ],
  testTimeout: 30000,
};
