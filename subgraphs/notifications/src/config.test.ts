import { configFromEnv, requiredOrigins, requireSmtpInProduction } from './config';

describe('SMTP in production', () => {
  it('is required, so e-mails with reset links are never only written to the log', () => {
    expect(() => requireSmtpInProduction({ NODE_ENV: 'production' })).toThrow(/Missing environment variable SMTP_URL/);
    expect(() => requireSmtpInProduction({ NODE_ENV: 'production', SMTP_URL: ' ' })).toThrow(/SMTP_URL/);
    expect(() => requireSmtpInProduction({ NODE_ENV: 'production', SMTP_URL: 'smtp://mail.example.no:587' })).not.toThrow();
    // Development keeps writing e-mails to the log.
    expect(() => requireSmtpInProduction({})).not.toThrow();
  });
});

describe('the origins links lead to', () => {
  const both = { PUBLIC_ORIGIN: 'https://tunet.example.no', WEB_APP_ORIGIN: 'https://app.tunet.example.no/' };

  it('are required in production, naming the variable that is missing', () => {
    expect(() => requiredOrigins({ PUBLIC_ORIGIN: both.PUBLIC_ORIGIN })).toThrow(/Missing environment variable WEB_APP_ORIGIN: the web app/);
    expect(() => requiredOrigins({ WEB_APP_ORIGIN: both.WEB_APP_ORIGIN })).toThrow(/Missing environment variable PUBLIC_ORIGIN/);
    expect(() => requiredOrigins({ ...both, WEB_APP_ORIGIN: ' ' })).toThrow(/WEB_APP_ORIGIN/);
  });

  it('must be origins, so a path on the origin stays the route table’s', () => {
    for (const wrong of ['app.tunet.example.no', 'https://app.tunet.example.no/app', 'ftp://app.tunet.example.no', 'https://app.tunet.example.no?x=1']) {
      expect(() => requiredOrigins({ ...both, WEB_APP_ORIGIN: wrong })).toThrow(/WEB_APP_ORIGIN must be an origin/);
    }
    expect(requiredOrigins(both)).toEqual({ publicOrigin: 'https://tunet.example.no', webAppOrigin: 'https://app.tunet.example.no' });
    expect(requiredOrigins({ ...both, WEB_APP_ORIGIN: 'http://localhost:5173' }).webAppOrigin).toBe('http://localhost:5173');
  });

  it('are compared after normalising: case, the default port and a trailing slash do not matter', () => {
    expect(requiredOrigins({ ...both, WEB_APP_ORIGIN: 'https://App.Tunet.example.no' }).webAppOrigin).toBe('https://app.tunet.example.no');
    expect(requiredOrigins({ ...both, PUBLIC_ORIGIN: 'https://tunet.example.no:443/' }).publicOrigin).toBe('https://tunet.example.no');
    expect(requiredOrigins({ ...both, PUBLIC_ORIGIN: 'https://tunet.example.no:8443' }).publicOrigin).toBe('https://tunet.example.no:8443');
    for (const wrong of ['https://app.tunet.example.no/#x', 'https://user@app.tunet.example.no']) {
      expect(() => requiredOrigins({ ...both, WEB_APP_ORIGIN: wrong })).toThrow(/WEB_APP_ORIGIN must be an origin/);
    }
  });

  it('use https:, plain http only on this machine', () => {
    expect(() => requiredOrigins({ ...both, WEB_APP_ORIGIN: 'http://app.tunet.example.no' })).toThrow(/WEB_APP_ORIGIN must use https:/);
    expect(() => requiredOrigins({ ...both, PUBLIC_ORIGIN: 'http://10.0.0.5:4000' })).toThrow(/PUBLIC_ORIGIN must use https:/);
    for (const local of ['http://localhost:4000', 'http://127.0.0.1:4000', 'http://[::1]:4000']) {
      expect(requiredOrigins({ ...both, PUBLIC_ORIGIN: local }).publicOrigin).toBe(local);
    }
  });

  it('default to the local gateway only in the embedded development setup', () => {
    expect(configFromEnv({})).toMatchObject({ publicOrigin: 'http://localhost:4000', webAppOrigin: 'http://localhost:4000' });
  });
});
