export { createBillingSubgraph, type BillingSubgraph } from './subgraph';
