export { createBillingSubgraph, type BillingSubgraph } from './subgraph';
export { SignedAssociationProfiles } from './associations/association-profiles';
