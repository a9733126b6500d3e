import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { errorReasons } from '@tunet/kit';

const ROOT = join(__dirname, '..');
const SKIPPED = new Set(['node_modules', 'dist', '__generated__']);

function sources(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    if (SKIPPED.has(entry.name)) return [];
    const path = join(directory, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') && !/\.test\.ts$|\.fixtures\.ts$/.test(entry.name) ? [path] : [];
  });
}

/**
 * Every reason an error carries is in kit's errorReasons, so the gateway renders it in the caller's language and the
 * README lists it: `reason: 'SCREAMING_SNAKE'` in error extensions and `refuse('…'` calls, in subgraphs, the gateway
 * and packages (lower-case `reason:` values such as billing's 'late_cancellation' are not error reasons).
 */
describe('error reasons in the source', () => {
  it('are all registered in errorReasons', () => {
    const missing: string[] = [];
    for (const file of ['subgraphs', 'gateway', 'packages'].flatMap((folder) => sources(join(ROOT, folder)))) {
      const text = readFileSync(file, 'utf8');
      for (const match of text.matchAll(/(?:\breason: |\brefuse\()'([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+|[A-Z]{3,})'/g)) {
        if (!Object.hasOwn(errorReasons, match[1]!)) missing.push(`${relative(ROOT, file)}: ${match[1]}`);
      }
    }
    expect(missing).toEqual([]);
  });
});
