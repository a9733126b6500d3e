import { gatewayRequests, metricsPortFromEnv, startMetricsServer, startMetricsServerFromEnv } from './metrics';

describe('metrics server', () => {
  it('serves the registry as Prometheus text on its own port, with process metrics, and nothing else', async () => {
    const server = await startMetricsServer(0);
    try {
      gatewayRequests.inc({ operation: 'MetricsServerTest', outcome: 'ok' });
      const response = await fetch(server.url);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toContain('text/plain');
      const text = await response.text();
      expect(text).toContain('tunet_gateway_requests_total{operation="MetricsServerTest",outcome="ok"} 1');
      expect(text).toContain('process_cpu_seconds_total');
      expect(text).toContain('nodejs_eventloop_lag_seconds');
      expect((await fetch(new URL('/graphql', server.url))).status).toBe(404);
      expect((await fetch(server.url, { method: 'POST' })).status).toBe(404);
    } finally {
      await server.stop();
    }
  });

  it('listens on the loopback interface unless METRICS_HOST says otherwise', async () => {
    const server = await startMetricsServerFromEnv({ METRICS_PORT: '0' });
    try {
      expect(new URL(server!.url).hostname).toBe('127.0.0.1');
    } finally {
      await server?.stop();
    }
  });

  it('is off without METRICS_PORT and refuses a value that is no port', () => {
    expect(metricsPortFromEnv({})).toBeUndefined();
    expect(metricsPortFromEnv({ METRICS_PORT: '9464' })).toBe(9464);
    expect(() => metricsPortFromEnv({ METRICS_PORT: 'yes' })).toThrow(/METRICS_PORT/);
    expect(() => metricsPortFromEnv({ METRICS_PORT: '70000' })).toThrow(/METRICS_PORT/);
  });
});
