import { SUBGRAPHS } from './subgraph-registry';

/** `npm run start:subgraph -- <name>`: one subgraph as its own production process (see README). */
const name = process.argv[2];
if (!SUBGRAPHS.some((subgraph) => subgraph.name === name)) {
  console.error(`usage: npm run start:subgraph -- <${SUBGRAPHS.map((subgraph) => subgraph.name).join('|')}>`);
  process.exit(2);
}
require(`../subgraphs/${name}/src/main`);
