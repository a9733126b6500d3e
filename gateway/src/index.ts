export { startGateway, type GatewayOptions } from './gateway';
export { subgraphTimeoutsFromEnv, type SubgraphTimeouts } from './subgraph-timeouts';
export { allowedOriginsFromEnv } from './cors';
export { callerLimitsFromEnv, UNREACHED_CALLER_LIMITS } from './caller-limits';
