export { createPrivacySubgraph, type PrivacySubgraph, type PrivacyDependencies } from './subgraph';
export { verifyAccessLog } from './access-log/access-log.operator';
export type { ChainReport } from './access-log/access-log.service';
export { residue, residueScan, tooShort, type Needles, type ResidueHit } from './residue/residue-scan';
export { RESIDUE_ALLOW_LIST, type AllowedResidue } from './residue/residue-allow-list';
