import { randomBytes } from 'node:crypto';
import { API_KEY_PREFIX, type ApiScope } from '@tunet/kit';
import type { ApiScope as GraphQLApiScope } from '../__generated__/resolvers-types';

/**
 * `tunet_<8 hex>_<43 base64url>`. The 8 hex characters are shown in lists so people can tell their keys apart;
 * they add no strength, the 256 random bits after them are the secret.
 */
export function newApiKeySecret(): { secret: string; prefix: string } {
  const prefix = `${API_KEY_PREFIX}${randomBytes(4).toString('hex')}`;
  return { secret: `${prefix}_${randomBytes(32).toString('base64url')}`, prefix };
}

/** GraphQL spells scopes as enum values; viewers, tokens and the database as `area:action`. */
const FROM_GRAPHQL: Record<GraphQLApiScope, ApiScope> = {
  MEMBERS_READ: 'members:read',
  MEMBERS_IMPORT: 'members:import',
  CHARGES_READ: 'charges:read',
};
const TO_GRAPHQL = Object.fromEntries(Object.entries(FROM_GRAPHQL).map(([graphql, scope]) => [scope, graphql])) as Record<ApiScope, GraphQLApiScope>;

export const GRAPHQL_SCOPES = Object.keys(FROM_GRAPHQL) as [GraphQLApiScope, ...GraphQLApiScope[]];

export function scopeFromGraphQL(scope: GraphQLApiScope): ApiScope {
  return FROM_GRAPHQL[scope];
}

export function scopeToGraphQL(scope: ApiScope): GraphQLApiScope {
  return TO_GRAPHQL[scope];
}
