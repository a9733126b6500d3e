export { createOperationsSubgraph, type OperationsSubgraph, type OperationsDependencies } from './subgraph';
export { loadDemoMaintenance, type DemoMaintenance } from './maintenance/maintenance.demo';
export { loadDemoServiceRequests, type DemoServiceRequests } from './service-requests/service-requests.demo';
