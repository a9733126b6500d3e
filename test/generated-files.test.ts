import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { composeSupergraph, SUPERGRAPH_PATH } from '../scripts/compose';

const root = path.resolve(__dirname, '..');

/** Committed generated files must match what the schemas produce today; run the named command to refresh. */
describe('generated files', () => {
  it('schema/supergraph.graphql composes without errors and is up to date (npm run compose)', () => {
    expect(readFileSync(SUPERGRAPH_PATH, 'utf8')).toBe(composeSupergraph());
  });

  // The codegen CLI is ESM-only inside, so it runs as its own process; --check fails when an output would change.
  it('resolver types are up to date (npm run codegen)', () => {
    const run = spawnSync(path.join(root, 'node_modules/.bin/graphql-codegen'), ['--config', 'codegen.ts', '--check'], {
      cwd: root,
      encoding: 'utf8',
    });
    expect({ status: run.status, output: run.status === 0 ? '' : run.stdout + run.stderr }).toEqual({ status: 0, output: '' });
  }, 60_000);
});
