import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { errorReasons, type ReasonDefinition } from '@tunet/kit';

/** `npm run errors:catalogue`: writes the README's list of error reasons from kit errorReasons; a test fails when it is stale. */
export const README_PATH = path.resolve(__dirname, '..', 'README.md');
const START = '<!-- error-reasons:start (generated from packages/kit/src/error-reasons*.ts by `npm run errors:catalogue`) -->';
const END = '<!-- error-reasons:end -->';

/** The generated block: one row per reason, sorted by code then reason. */
export function renderErrorReasonsList(): string {
  const rows = Object.entries(errorReasons as Record<string, ReasonDefinition>)
    .sort(([a, x], [b, y]) => x.code.localeCompare(y.code) || a.localeCompare(b))
    .map(([reason, definition]) => `| \`${reason}\` | \`${definition.code}\` | ${definition.description.replaceAll('|', '\\|')} |`);
  return [START, '| reason | code | when, and its parameters |', '|---|---|---|', ...rows, END].join('\n');
}

/** The block as the README has it now, or null when the markers are missing. */
export function readmeErrorReasonsList(readme = readFileSync(README_PATH, 'utf8')): string | null {
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  return start === -1 || end === -1 ? null : readme.slice(start, end + END.length);
}

if (require.main === module) {
  const readme = readFileSync(README_PATH, 'utf8');
  const current = readmeErrorReasonsList(readme);
  if (current === null) throw new Error(`README.md has no ${START} … ${END} block`);
  writeFileSync(README_PATH, readme.replace(current, renderErrorReasonsList()));
  console.log('wrote the error reasons into README.md');
}
