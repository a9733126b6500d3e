/**
 * Part of `npm run check:deps` (knip does the rest): `@types/*` packages are for the compiler only, so none may
 * sit in a workspace's runtime `dependencies`, where `npm ci --omit=dev` would install them in production.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..');

type PackageJson = { name: string; workspaces?: string[]; dependencies?: Record<string, string> };

function readPackage(dir: string): PackageJson {
  return JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as PackageJson;
}

function workspaceDirs(root: PackageJson): string[] {
  return (root.workspaces ?? []).flatMap((pattern) => {
    if (!pattern.endsWith('/*')) return [path.join(ROOT, pattern)];
    const parent = path.join(ROOT, pattern.slice(0, -2));
    return readdirSync(parent).map((name) => path.join(parent, name));
  });
}

const root = readPackage(ROOT);
const misplaced = [ROOT, ...workspaceDirs(root)]
  .filter((dir) => existsSync(path.join(dir, 'package.json')))
  .map(readPackage)
  .flatMap((pkg) =>
    Object.keys(pkg.dependencies ?? {})
      .filter((name) => name.startsWith('@types/'))
      .map((name) => `${pkg.name}: ${name}`),
  );

if (misplaced.length > 0) {
  console.error(`@types packages belong in devDependencies, not dependencies:\n  ${misplaced.join('\n  ')}`);
  process.exit(1);
}
