/**
 * A workspace's `build` (run by `npm run build` through turbo, in the workspace's directory): every non-test
 * `src/**\/*.ts` becomes `dist/**\/*.js`, CommonJS for Node 20, one output per source file so `__dirname`
 * still points at the same depth (schema.graphql, migrations/ and the supergraph are found as from src).
 * Type checking is `npm run typecheck`, not this. Decision 0021.
 *
 * Workspace imports are the one rewrite: in development `@tunet/kit` means `packages/kit/src/index.ts` (the
 * package's `main`, run by tsx and jest); built code asks for `@tunet/kit/dist/index.js` instead, so plain
 * `node` never meets TypeScript and each package's own node_modules still resolve as npm laid them out.
 *
 * `tsx scripts/build-workspace.ts [dir] [entries…]`: dir defaults to the current directory; the root passes
 * its launcher (scripts/start-subgraph.ts) as the entry, built into the root's dist/.
 */
import { readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { build, type Plugin } from 'esbuild';

const WORKSPACE_IMPORT = /^@tunet\/([a-z-]+)(?:\/src\/(.+))?$/;
const NOT_SHIPPED = /(\.test\.ts|\.fixtures\.ts|\.d\.ts)$|(^|\/)(__fixtures__|__mocks__)\//;

/**
 * Every import stays an import (nothing is bundled); only `@tunet/<name>[/src/<file>]` is pointed at dist. A relative
 * JSON import is the exception: bundled, so built code needs no file outside dist (the gateway's first-party operation
 * names, from clients/__generated__).
 */
const externalImports: Plugin = {
  name: 'external-imports',
  setup(builder) {
    builder.onResolve({ filter: /.*/ }, (args) => {
      if (args.kind === 'entry-point') return undefined;
      if (args.path.startsWith('.') && args.path.endsWith('.json')) return undefined;
      const workspace = WORKSPACE_IMPORT.exec(args.path);
      if (!workspace) return { path: args.path, external: true };
      return { path: `@tunet/${workspace[1]}/dist/${workspace[2] ?? 'index'}.js`, external: true };
    });
  },
};

async function main(): Promise<void> {
  const [dir = '.', ...entries] = process.argv.slice(2);
  const root = path.resolve(dir);
  const sourceDir = entries.length > 0 ? path.dirname(path.resolve(entries[0]!)) : path.join(root, 'src');
  const outdir = path.join(root, 'dist');
  const entryPoints =
    entries.length > 0
      ? entries.map((entry) => path.resolve(entry))
      : readdirSync(sourceDir, { recursive: true, encoding: 'utf8' })
          .filter((file) => file.endsWith('.ts') && !NOT_SHIPPED.test(file.split(path.sep).join('/')))
          .map((file) => path.join(sourceDir, file));
  rmSync(outdir, { recursive: true, force: true });
  await build({
    entryPoints,
    outdir,
    outbase: sourceDir,
    bundle: true,
    plugins: [externalImports],
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    sourcemap: true,
    logLevel: 'warning',
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
