export { createReservationsSubgraph, type ReservationsSubgraph } from './subgraph';
