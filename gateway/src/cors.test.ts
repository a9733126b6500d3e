import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { allowedOriginsFromEnv, corsFor } from './cors';

describe('CORS for the web app', () => {
  let server: Server;
  let url: string;

  beforeAll(async () => {
    const app = express();
    app.use(corsFor(['https://App.tunet.example.no:443/']));
    app.post('/graphql', (_req, res) => {
      res.setHeader('x-request-id', 'r1');
      res.json({ data: null });
    });
    server = await new Promise<Server>((resolve) => {
      const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
    });
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  const preflight = (origin: string) =>
    fetch(url, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
    });

  it('allows a preflight from the web app, without credentials', async () => {
    const response = await preflight('https://app.tunet.example.no');
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe('https://app.tunet.example.no');
    expect(response.headers.get('access-control-allow-methods')).toContain('POST');
    expect(response.headers.get('access-control-allow-headers')).toBe('authorization,content-type');
    expect(response.headers.get('access-control-allow-credentials')).toBeNull();
  });

  it('exposes x-request-id and retry-after on the answer', async () => {
    const response = await fetch(url, { method: 'POST', headers: { origin: 'https://app.tunet.example.no' } });
    expect(response.headers.get('access-control-allow-origin')).toBe('https://app.tunet.example.no');
    expect(response.headers.get('access-control-expose-headers')).toBe('x-request-id,retry-after');
  });

  it('gives another origin no CORS headers', async () => {
    for (const origin of ['https://evil.example', 'http://app.tunet.example.no', 'null']) {
      const response = await preflight(origin);
      expect(response.headers.get('access-control-allow-origin')).toBeNull();
      const post = await fetch(url, { method: 'POST', headers: { origin } });
      expect(post.headers.get('access-control-allow-origin')).toBeNull();
    }
  });

  it('reads WEB_APP_ORIGIN and CORS_ALLOWED_ORIGINS, refusing anything but an origin', () => {
    expect(allowedOriginsFromEnv({})).toEqual([]);
    expect(
      allowedOriginsFromEnv({
        WEB_APP_ORIGIN: 'https://app.tunet.example.no/',
        CORS_ALLOWED_ORIGINS: ' https://admin.tunet.example.no, ,http://localhost:5173',
      }),
    ).toEqual(['https://app.tunet.example.no', 'https://admin.tunet.example.no', 'http://localhost:5173']);
    expect(() => allowedOriginsFromEnv({ WEB_APP_ORIGIN: 'https://app.tunet.example.no/login' })).toThrow(/origin only/);
    expect(() => allowedOriginsFromEnv({ CORS_ALLOWED_ORIGINS: '*' })).toThrow(/not a URL/);
    // The "null" origin of file: and sandboxed pages, and plain http beyond this machine, are never allowed.
    expect(() => allowedOriginsFromEnv({ CORS_ALLOWED_ORIGINS: 'file:///' })).toThrow(/https/);
    expect(() => allowedOriginsFromEnv({ WEB_APP_ORIGIN: 'http://app.tunet.example.no' })).toThrow(/https/);
  });
});
