import { eventually } from '@tunet/kit/src/events/events.fixtures';
import { recordSpans, SpanKind, type ReadableSpan } from '@tunet/kit/src/tracing.fixtures';
import { openE2E, type E2E } from './e2e.fixtures';

/** The value of one series in Prometheus text, or undefined when the series is not there. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('metrics (issue 17, observability)', () => {
  let e2e: E2E;
  let metricsUrl: string;
  const scrape = async () => {
    const response = await fetch(metricsUrl);
    expect(response.status).toBe(200);
    return response.text();
  };

  beforeAll(async () => {
    e2e = await openE2E(undefined, { metricsPort: 0 });
    metricsUrl = e2e.stack.metricsUrl!;
  });
  afterAll(() => e2e.close());

  it('are served on their own port, not the API port', async () => {
    expect(new URL(metricsUrl).port).not.toBe(new URL(e2e.stack.gatewayUrl).port);
    expect((await fetch(new URL('/metrics', e2e.stack.gatewayUrl))).status).toBe(404);
    const text = await scrape();
    for (const name of [
      'tunet_gateway_requests_total',
      'tunet_gateway_errors_total',
      'tunet_gateway_request_duration_seconds',
      'tunet_subgraph_fetch_duration_seconds',
      'tunet_outbox_lag_seconds',
      'tunet_stream_consumer_pending',
      'tunet_stream_consumer_lag',
      'tunet_events_dead_lettered_total',
      'tunet_job_runs_total',
      'tunet_notification_deliveries_total',
      'process_cpu_seconds_total',
    ]) {
      expect(text).toContain(`# TYPE ${name} `);
    }
  });

  it('move with requests, errors, subgraph fetches, relays and consumers', async () => {
    const before = await scrape();
    const { accessToken } = await e2e.login('kari@solbakken.example');
    // A first-party operation's name (clients/operations) is a label; any other name is (other).
    const ok = await e2e.gql('query Viewer { me { id } }', {}, accessToken);
    expect((await e2e.gql('query MetricsJunk { me { id } }', {}, accessToken)).errors).toBeUndefined();
    expect(ok.errors).toBeUndefined();
    const invalid = await e2e.gql('query MetricsBroken { noSuchField }', {}, accessToken);
    expect(invalid.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');

    // The relays run every half second: wait for a run after the first scrape rather than for a fixed time.
    const relayRuns = 'tunet_job_runs_total{job="outbox-relay:members",outcome="ok"}';
    let after = await scrape();
    for (let tries = 0; tries < 50 && !((sample(after, relayRuns) ?? 0) > (sample(before, relayRuns) ?? 0)); tries += 1) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      after = await scrape();
    }

    expect(sample(after, 'tunet_gateway_requests_total{operation="Viewer",outcome="ok"}')).toBe(1);
    expect(sample(after, 'tunet_gateway_request_duration_seconds_count{operation="Viewer"}')).toBe(1);
    expect(sample(after, 'tunet_gateway_requests_total{operation="(other)",outcome="ok"}')).toBeGreaterThanOrEqual(1);
    expect(after).not.toContain('operation="MetricsJunk"');
    // Operation names of requests that never resolved collapse into one label.
    expect(sample(after, 'tunet_gateway_requests_total{operation="(none)",outcome="client_error"}')).toBeGreaterThanOrEqual(1);
    expect(sample(after, 'tunet_gateway_errors_total{operation="(none)",code="GRAPHQL_VALIDATION_FAILED"}')).toBeGreaterThanOrEqual(1);
    expect(after).not.toContain('operation="MetricsBroken"');
    const membersFetches = 'tunet_subgraph_fetch_duration_seconds_count{subgraph="members",outcome="ok"}';
    expect(sample(after, membersFetches)).toBeGreaterThan(sample(before, membersFetches) ?? 0);
    expect(sample(after, relayRuns)).toBeGreaterThan(sample(before, relayRuns) ?? 0);
    expect(sample(after, 'tunet_outbox_lag_seconds{schema="members"}')).toBeGreaterThanOrEqual(0);
    expect(after).toMatch(/^tunet_stream_consumer_pending\{group="notifications"\} \d+$/m);
    expect(after).toMatch(/^tunet_stream_consumer_lag\{group="notifications"\} \d+$/m);
  });

  it('and traces, when on, follow a request from the gateway into each subgraph it asks (decision 0060)', async () => {
    const { accessToken } = await e2e.login('kari@solbakken.example');
    const recorded = await recordSpans();
    try {
      // A client's own traceparent is not followed: it could pick trace ids and sampling.
      const clientTraceId = '4bf92f3577b34da6a3ce929d0e0e4736';
      const answer = await fetch(e2e.stack.gatewayUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${accessToken}`, traceparent: `00-${clientTraceId}-00f067aa0ba902b7-01` },
        // An e-mail address in a variable and the viewer's own in the answer: neither may reach a span.
        body: JSON.stringify({
          query: `query TraceFeed($search: String) {
            me { email }
            directory(filter: { search: $search }, first: 2) { nodes { id } }
            posts(first: 3) { nodes { id author { displayName } } }
          }`,
          variables: { search: 'nabo.hemmelig@example.org' },
        }),
      });
      const body = (await answer.json()) as { data?: { me?: { email?: string } }; errors?: unknown };
      expect(body.errors).toBeUndefined();
      expect(body.data?.me?.email).toBe('kari@solbakken.example');
      // The gateway's span ends when its response has closed, a moment after the client has the answer.
      let request: ReadableSpan | undefined;
      await eventually(() => {
        request = recorded.spans().find((span) => span.kind === SpanKind.SERVER && span.name === 'query (other)');
        expect(request).toBeDefined();
      });
      const { traceId, spanId } = request!.spanContext();
      // A new trace per client request, named by the operation's metrics label, never the name the client sent.
      expect(request!.parentSpanContext).toBeUndefined();
      expect(traceId).not.toBe(clientTraceId);
      expect(recorded.spans().some((span) => span.spanContext().traceId === clientTraceId)).toBe(false);
      expect(request!.attributes).toMatchObject({ 'graphql.operation.type': 'query', 'graphql.operation.name': '(other)', 'http.response.status_code': 200 });
      expect(request!.attributes['tunet.request_id']).toMatch(/^[0-9a-f-]{36}$/);
      const trace = recorded.spans().filter((span) => span.spanContext().traceId === traceId);
      for (const subgraph of ['posts', 'members']) {
        const fetches = trace.filter((span) => span.kind === SpanKind.CLIENT && span.attributes['tunet.subgraph'] === subgraph);
        const served = trace.filter((span) => span.kind === SpanKind.SERVER && span.attributes['tunet.subgraph'] === subgraph);
        expect(fetches.length).toBeGreaterThanOrEqual(1);
        expect(fetches[0]!.attributes['http.response.status_code']).toBe(200);
        // Each subgraph's span continues the gateway's trace from the traceparent header, under the fetch that sent it.
        expect(served).toHaveLength(fetches.length);
        for (const server of served) {
          expect(fetches.map((fetch) => fetch.spanContext().spanId)).toContain(server.parentSpanContext?.spanId);
          expect(server.attributes['tunet.request_id']).toBe(request!.attributes['tunet.request_id']);
        }
      }
      // Below the gateway's request span, and a database transaction below the posts subgraph's span.
      const postsServer = trace.find((span) => span.kind === SpanKind.SERVER && span.attributes['tunet.subgraph'] === 'posts');
      expect(trace.some((span) => span.name === 'transaction posts' && span.parentSpanContext?.spanId === postsServer?.spanContext().spanId)).toBe(true);
      expect(trace.some((span) => span.parentSpanContext?.spanId === spanId)).toBe(true);
      // Nothing personal or secret in any span recorded (this trace or another): no token, no e-mail address (the
      // variable's or the answer's), no operation name the client made up, in a name, an attribute or an event.
      const text = JSON.stringify(recorded.spans().map((span) => ({ name: span.name, attributes: span.attributes, events: span.events })));
      for (const secret of [accessToken, 'nabo.hemmelig', '@solbakken.example', 'TraceFeed']) expect(text).not.toContain(secret);
      // Apollo gateway's own spans get the operation's label instead of the name the client sent.
      expect(trace.find((span) => span.name === 'gateway.request')?.attributes).toMatchObject({
        'graphql.operation.name': '(other)',
        operationName: '(other)',
      });
    } finally {
      await recorded.stop();
    }
  });
});
