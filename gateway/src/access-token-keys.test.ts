import { jwtKeyIdsFromEnv } from './access-token-keys';

describe('the ids of the access-token keys a gateway holds (decision 0054)', () => {
  it('reads JWT_KEY_ID and JWT_PREVIOUS_KEY_ID; unset ids stay null (the thumbprints are used)', () => {
    expect(jwtKeyIdsFromEnv({})).toEqual({ current: null, previous: null });
    expect(jwtKeyIdsFromEnv({ JWT_KEY_ID: 'k2', JWT_PREVIOUS_PUBLIC_KEY: 'pem', JWT_PREVIOUS_KEY_ID: 'k1' })).toEqual({ current: 'k2', previous: 'k1' });
    expect(jwtKeyIdsFromEnv({ JWT_PREVIOUS_PUBLIC_KEY: 'pem' })).toEqual({ current: null, previous: null });
  });

  it('refuses to start with JWT_KEY_ID and a previous key but no JWT_PREVIOUS_KEY_ID: the old id was not moved', () => {
    expect(() => jwtKeyIdsFromEnv({ JWT_KEY_ID: 'k2', JWT_PREVIOUS_PUBLIC_KEY: 'pem' })).toThrow(/JWT_PREVIOUS_KEY_ID/);
  });
});
