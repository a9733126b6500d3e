export { createOperationsSubgraph, type OperationsSubgraph, type OperationsDependencies } from './subgraph';
