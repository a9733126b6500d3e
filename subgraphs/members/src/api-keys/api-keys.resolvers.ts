import type { Resolvers } from '../__generated__/resolvers-types';
import { scopeToGraphQL } from './api-key-format';

export const apiKeysResolvers: Resolvers = {
  Association: {
    apiKeys: (association, _args, ctx) => ctx.apiKeys.list(ctx.viewer, association.id),
  },
  Mutation: {
    createApiKey: (_root, { input }, ctx) => ctx.apiKeys.create(ctx.viewer, input),
    revokeApiKey: async (_root, { input }, ctx) => ({ apiKey: await ctx.apiKeys.revoke(ctx.viewer, input) }),
  },
  ApiKey: {
    scopes: (key) => key.scopes.map(scopeToGraphQL),
  },
};
