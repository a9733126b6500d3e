import { trustProxyFromEnv } from './trust-proxy';

describe('TRUST_PROXY', () => {
  it('takes off, a hop count, or addresses', () => {
    expect(trustProxyFromEnv({})).toBe(false);
    expect(trustProxyFromEnv({ TRUST_PROXY: 'false' })).toBe(false);
    expect(trustProxyFromEnv({ TRUST_PROXY: '1', NODE_ENV: 'production' })).toBe(1);
    expect(trustProxyFromEnv({ TRUST_PROXY: '10.0.0.0/8', NODE_ENV: 'production' })).toBe('10.0.0.0/8');
    expect(trustProxyFromEnv({ TRUST_PROXY: 'true' })).toBe(true);
  });

  it('refuses true in production, where a client could pick its address through X-Forwarded-For', () => {
    expect(() => trustProxyFromEnv({ TRUST_PROXY: 'true', NODE_ENV: 'production' })).toThrow(/TRUST_PROXY=true.*TRUST_PROXY=1/);
  });
});
