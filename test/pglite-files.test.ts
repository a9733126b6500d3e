import { existsSync } from 'node:fs';
import path from 'node:path';

// eslint-disable-next-line @typescript-eslint/no-require-imports -- the jest config reads the same CommonJS list
const pgliteFiles = require('./setup/pglite-files') as [string, string][];

/** A renamed or deleted file would silently stop running on PGlite; the list must name real integration tests. */
describe('integration tests that also run on PGlite (decision 0050)', () => {
  it.each(pgliteFiles)('%s exists, is an integration test and says why it runs on PGlite', (file, reason) => {
    expect({ exists: existsSync(path.resolve(__dirname, '..', file)), int: file.endsWith('.int.test.ts'), reason: reason.length > 5 }).toEqual({
      exists: true,
      int: true,
      reason: true,
    });
  });
});
