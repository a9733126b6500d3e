export { createMembersSubgraph, DEFAULT_AUTH_SETTINGS, type MembersSubgraph } from './subgraph';
export { loadDemoData, DEMO, DEMO_OPERATOR_EMAIL, DEMO_PASSWORD } from './members.demo';
export { bootstrapOperator, OperatorBootstrapRefused, PASSWORD_LINK_LIFETIME_MS, type OperatorLink } from './auth/operator-bootstrap';
