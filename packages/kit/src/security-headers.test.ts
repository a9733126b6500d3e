import { createProbedApp, serve } from './http-server';

/** Every answer of a bare probed app (probes, an unknown path), as the gateway and each subgraph start from. */
async function answersOf(hsts: boolean): Promise<Response[]> {
  const probed = createProbedApp(async () => undefined, { hsts });
  const server = await serve(probed, { stop: () => new Promise<void>((resolve) => probed.httpServer.close(() => resolve())) }, 0);
  try {
    return await Promise.all(['/healthz', '/readyz', '/nothing-here'].map((path) => fetch(new URL(path, server.url))));
  } finally {
    await server.stop(0);
  }
}

describe('security headers on every answer', () => {
  it('forbid sniffing, framing, embedding elsewhere and referrers, with a CSP for JSON, and no X-Powered-By nor cookie', async () => {
    const answers = await answersOf(false);
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 404]);
    for (const answer of answers) {
      expect(Object.fromEntries(answer.headers)).toMatchObject({
        'x-content-type-options': 'nosniff',
        'referrer-policy': 'no-referrer',
        'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
        'x-frame-options': 'DENY',
        'cross-origin-resource-policy': 'same-origin',
      });
      expect(answer.headers.has('x-powered-by')).toBe(false);
      expect(answer.headers.has('set-cookie')).toBe(false);
      expect(answer.headers.has('strict-transport-security')).toBe(false);
    }
  });

  it('add Strict-Transport-Security in production', async () => {
    for (const answer of await answersOf(true)) expect(answer.headers.get('strict-transport-security')).toBe('max-age=31536000; includeSubDomains');
  });
});
