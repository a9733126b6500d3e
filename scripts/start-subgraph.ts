import path from 'node:path';
import { SUBGRAPHS } from './subgraph-registry';

/**
 * `npm run start:subgraph -- <name>`: one subgraph as its own production process (see README). Runs as plain
 * JavaScript from the root's dist/ after `npm run build` (decision 0021), so it loads the subgraph's build.
 */
const subgraph = SUBGRAPHS.find((candidate) => candidate.name === process.argv[2]);
if (!subgraph) {
  console.error(`usage: npm run start:subgraph -- <${SUBGRAPHS.map((entry) => entry.name).join('|')}>`);
  process.exit(2);
}
// eslint-disable-next-line @typescript-eslint/no-require-imports -- the subgraph is named at run time, and loading its main starts it
require(path.join(__dirname, '../subgraphs', subgraph.name, 'dist/main.js'));
