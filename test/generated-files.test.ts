import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { CLIENT_ROUTES_CATALOGUE_PATH, renderClientRoutesCatalogue } from '../scripts/client-routes-catalogue';
import { composeSupergraph, SUPERGRAPH_PATH } from '../scripts/compose';
import { readmeErrorReasonsList, renderErrorReasonsList } from '../scripts/error-reasons-catalogue';
import { EVENTS_CATALOGUE_PATH, renderEventsCatalogue } from '../scripts/events-catalogue';
import { renderTrustedDocuments, TRUSTED_DOCUMENTS_PATH } from '../scripts/trusted-documents';

const root = path.resolve(__dirname, '..');

/** Committed generated files must match what the schemas produce today; run the named command to refresh. */
describe('generated files', () => {
  it('schema/supergraph.graphql composes without errors and is up to date (npm run compose)', () => {
    expect(readFileSync(SUPERGRAPH_PATH, 'utf8')).toBe(composeSupergraph());
  });

  it('docs/events.md lists every event topic as packages/events defines it (npm run events:catalogue)', () => {
    expect(existsSync(EVENTS_CATALOGUE_PATH) ? readFileSync(EVENTS_CATALOGUE_PATH, 'utf8') : 'docs/events.md is missing').toBe(renderEventsCatalogue());
  });

  it("README's list of error reasons is kit errorReasons, every one (npm run errors:catalogue)", () => {
    expect(readmeErrorReasonsList() ?? 'README.md has no error-reasons block').toBe(renderErrorReasonsList());
  });

  it('docs/client-routes.md lists every client route as kit client-routes.ts defines it (npm run client-routes:catalogue)', () => {
    const committed = existsSync(CLIENT_ROUTES_CATALOGUE_PATH) ? readFileSync(CLIENT_ROUTES_CATALOGUE_PATH, 'utf8') : 'docs/client-routes.md is missing';
    expect(committed).toBe(renderClientRoutesCatalogue());
  });

  it('the trusted-documents manifest lists every first-party operation as clients/operations has it (npm run trusted-documents)', () => {
    expect(existsSync(TRUSTED_DOCUMENTS_PATH) ? readFileSync(TRUSTED_DOCUMENTS_PATH, 'utf8') : 'the manifest is missing').toBe(renderTrustedDocuments());
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
