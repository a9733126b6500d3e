/** Every subgraph of the federation, with the port it listens on by default. Add new subgraphs here. */
export const SUBGRAPHS = [
  { name: 'members', port: 4001 },
  { name: 'posts', port: 4002 },
  { name: 'reservations', port: 4003 },
  { name: 'notifications', port: 4004 },
  { name: 'billing', port: 4005 },
  { name: 'privacy', port: 4006 },
  { name: 'operations', port: 4007 },
] as const;

export type SubgraphName = (typeof SUBGRAPHS)[number]['name'];
