/**
 * Four projects, one `npm test`:
 * - unit:          *.test.ts beside the code, no I/O
 * - int:postgres:  *.int.test.ts against the PostgreSQL server that scripts/run-tests.ts started
 * - int:pglite:    the same integration tests against PGlite, so both backends stay equivalent
 * - e2e:           test/e2e/*.e2e.test.ts through the real gateway over HTTP (PostgreSQL + Redis)
 */
const transform = {
  '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } }],
};
const common = { transform, testEnvironment: 'node', rootDir: __dirname, testPathIgnorePatterns: ['/node_modules/', '/.data/'] };
const INT = '\\.int\\.test\\.ts$';
const E2E = '\\.e2e\\.test\\.ts$';

module.exports = {
  projects: [
    { ...common, displayName: 'unit', testRegex: '\\.test\\.ts$', testPathIgnorePatterns: [...common.testPathIgnorePatterns, INT, E2E] },
    { ...common, displayName: 'int:postgres', testRegex: INT, setupFiles: ['<rootDir>/test/setup/postgres-backend.js'] },
    { ...common, displayName: 'int:pglite', testRegex: INT, setupFiles: ['<rootDir>/test/setup/pglite-backend.js'] },
    { ...common, displayName: 'e2e', testRegex: E2E, setupFiles: ['<rootDir>/test/setup/postgres-backend.js'] },
  ],
  testTimeout: 30000,
};
