export { createOperationsSubgraph, type OperationsSubgraph, type OperationsDependencies } from './subgraph';
export { loadDemoWork, type DemoWork } from './assignments/assignments.demo';
export { loadDemoBookingLink, type DemoBookingLink } from './booking-links/booking-links.demo';
export { loadDemoMaintenance, type DemoMaintenance } from './maintenance/maintenance.demo';
export { loadDemoServiceRequests, type DemoServiceRequests } from './service-requests/service-requests.demo';
