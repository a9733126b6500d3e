import { SUBGRAPHS } from './subgraph-registry';

/** `npm run start:subgraph -- <name>`: one subgraph as its own production process (see README). */
const name = process.argv[2];
if (!SUBGRAPHS.some((subgraph) => subgraph.name === name)) {
  console.error(`usage: npm run start:subgraph -- <${SUBGRAPHS.map((subgraph) => subgraph.name).join('|')}>`);
  process.exit(2);
}
// eslint-disable-next-line @typescript-eslint/no-require-imports -- the subgraph is named at run time, and loading its main starts it
require(`../subgraphs/${name}/src/main`);
