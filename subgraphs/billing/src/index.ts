export { createBillingSubgraph, type BillingSubgraph } from './subgraph';
export { SignedAssociationProfiles } from './associations/association-profiles';
export { loadDemoBilling, type DemoBilling } from './billing.demo';
