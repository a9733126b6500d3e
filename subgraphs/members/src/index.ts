export { createMembersSubgraph, DEFAULT_AUTH_SETTINGS, type MembersSubgraph } from './subgraph';
export { loadDemoData, DEMO, DEMO_PASSWORD } from './members.demo';
