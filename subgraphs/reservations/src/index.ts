export { createReservationsSubgraph, type ReservationsSubgraph } from './subgraph';
export { DEMO_RESOURCES, loadDemoReservations, type DemoBookers, type DemoResident } from './reservations.demo';
