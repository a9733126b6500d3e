import { looksLikeApiKey } from '@tunet/kit';
import { GRAPHQL_SCOPES, newApiKeySecret, scopeFromGraphQL, scopeToGraphQL } from './api-key-format';

describe('API key secrets', () => {
  it('look like tunet_<8 hex>_<256 random bits>, start with their shown prefix, and never repeat', () => {
    const keys = Array.from({ length: 50 }, newApiKeySecret);
    for (const { secret, prefix } of keys) {
      expect(secret).toMatch(/^tunet_[0-9a-f]{8}_[A-Za-z0-9_-]{43}$/);
      expect(secret.startsWith(`${prefix}_`)).toBe(true);
      expect(looksLikeApiKey(secret)).toBe(true);
    }
    expect(new Set(keys.map((k) => k.secret)).size).toBe(keys.length);
  });

  it('are told apart from access tokens by their prefix', () => {
    expect(looksLikeApiKey('eyJhbGciOiJFUzI1NiJ9.e30.sig')).toBe(false);
  });
});

describe('API scopes', () => {
  it('map between the GraphQL enum and the stored form, both ways', () => {
    expect(GRAPHQL_SCOPES.map(scopeFromGraphQL)).toEqual(['members:read', 'members:import', 'charges:read']);
    for (const scope of GRAPHQL_SCOPES) expect(scopeToGraphQL(scopeFromGraphQL(scope))).toBe(scope);
  });
});
