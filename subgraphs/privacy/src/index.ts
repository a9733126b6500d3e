export { createPrivacySubgraph, type PrivacySubgraph, type PrivacyDependencies } from './subgraph';
