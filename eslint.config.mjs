// ESLint for every TypeScript file (decision 0023). Prettier owns formatting; eslint-config-prettier, last,
// turns off every rule that could disagree with it.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import prettier from 'eslint-config-prettier';
import tseslint from 'typescript-eslint';

export default defineConfig(
  {
    ignores: ['**/node_modules/', '**/__generated__/', 'schema/', '.data/', 'coverage/', '**/dist/', '.turbo/'],
  },
  js.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { project: './tsconfig.json', tsconfigRootDir: import.meta.dirname },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // `x == null` is the one loose comparison kept: it means "null or undefined", as GraphQL's optional inputs are.
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-import-type-side-effects': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      // In-memory stand-ins (FastStore, stream backends, transports) and Apollo plugin hooks implement interfaces
      // that return promises; `async` without `await` is how they do it, and it turns a throw into a rejection.
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    // Tests handle `any` on purpose: jest's asymmetric matchers (expect.any, expect.objectContaining, …) are typed
    // `any` by @types/jest, and tests read parsed JSON answers and rejection reasons, where a wrong shape fails the
    // test anyway.
    files: ['**/*.test.ts', 'test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
    },
  },
  {
    // Source files stay small enough to read in one sitting (README, layout). Tests are left out: a test file
    // reads top to bottom as one scenario per domain, and splitting it only scatters shared setup.
    files: ['gateway/src/**/*.ts', 'packages/*/src/**/*.ts', 'subgraphs/*/src/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'max-lines': ['error', { max: 400, skipBlankLines: true, skipComments: true }],
    },
  },
  {
    // Services log through pino (the kit's logger), so output is structured and leveled. Scripts, benchmarks, tests
    // and the processes tests start (`__fixtures__/`) may print.
    files: ['gateway/src/**/*.ts', 'packages/*/src/**/*.ts', 'subgraphs/*/src/**/*.ts'],
    ignores: ['**/*.test.ts', '**/__fixtures__/**'],
    rules: { 'no-console': 'error' },
  },
  {
    // The few plain JavaScript files (jest's configuration and setup) are CommonJS outside the TypeScript program.
    files: ['**/*.js', '**/*.cjs'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: {
      sourceType: 'commonjs',
      globals: { process: 'readonly', module: 'writable', require: 'readonly', __dirname: 'readonly' },
    },
  },
  { files: ['**/*.mjs'], extends: [tseslint.configs.disableTypeChecked] },
  prettier,
);
