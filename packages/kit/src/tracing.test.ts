import { EventEmitter } from 'node:events';
import { createServer } from 'node:net';
import { context, ROOT_CONTEXT, trace, TraceFlags } from '@opentelemetry/api';
import { diagnosticsTo, startTracing, traceIncoming, traceWork } from './tracing';
import { capturedLogger } from './logger.fixtures';
import { recordSpans, type RecordedSpans } from './tracing.fixtures';

/** A local port nothing listens on: a trace collector that is down. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('tracing (decision 0060)', () => {
  let recorded: RecordedSpans;
  beforeEach(async () => {
    recorded = await recordSpans();
  });
  afterEach(() => recorded.stop());

  it('opens a transaction span only inside a traced request, never one trace per background run', async () => {
    await traceWork('transaction posts', {}, async () => undefined);
    expect(recorded.spans()).toHaveLength(0);
    await trace.getTracer('test').startActiveSpan('POST /graphql', async (request) => {
      await traceWork('transaction posts', { 'db.namespace': 'posts' }, async () => undefined);
      request.end();
    });
    const [work, request] = recorded.spans();
    expect(work!.name).toBe('transaction posts');
    expect(work!.parentSpanContext?.spanId).toBe(request!.spanContext().spanId);
  });

  it("names a request's span by its method and route, a method Tunet does not know as OTHER", () => {
    const middleware = traceIncoming({ route: '/graphql', continueTrace: false });
    for (const method of ['GET', 'POST', 'PROPFIND']) {
      const res = Object.assign(new EventEmitter(), { statusCode: 200 });
      middleware({ method, headers: {}, baseUrl: '/graphql' } as never, res as never, () => undefined);
      res.emit('close');
    }
    expect(recorded.spans().map((span) => [span.name, span.attributes['http.request.method']])).toEqual([
      ['GET /graphql', 'GET'],
      ['POST /graphql', 'POST'],
      ['OTHER /graphql', '_OTHER'],
    ]);
  });

  it("writes the trace's id on log lines written inside a span, and none outside", async () => {
    const { logger, lines } = capturedLogger();
    logger.info('outside');
    const traceId = trace.getTracer('test').startActiveSpan('POST /graphql', (span) => {
      logger.info('inside');
      span.end();
      return span.spanContext().traceId;
    });
    // A trace the gateway decided not to sample (a subgraph continues it unsampled): no span is kept, so no id.
    const unsampled = trace.setSpanContext(ROOT_CONTEXT, {
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      spanId: '00f067aa0ba902b7',
      traceFlags: TraceFlags.NONE,
    });
    context.with(unsampled, () =>
      trace.getTracer('test').startActiveSpan('POST /graphql', (span) => {
        logger.info('unsampled');
        span.end();
      }),
    );
    expect(lines[0]!.traceId).toBeUndefined();
    expect(lines[1]!.traceId).toBe(traceId);
    expect(lines[2]!.traceId).toBeUndefined();
  });
});

describe('tracing shutdown with the collector down (decision 0060)', () => {
  it('gives up sending the last spans within seconds, with a warning, and does not throw', async () => {
    const previous = process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
    process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT = `http://127.0.0.1:${await closedPort()}/v1/traces`;
    try {
      const { logger, lines } = capturedLogger();
      const tracing = await startTracing({ exporters: ['otlp'], serviceName: 'tunet-test' }, { logger });
      trace.getTracer('test').startSpan('POST /graphql').end();
      const startedAt = performance.now();
      await expect(tracing!.shutdown()).resolves.toBeUndefined();
      expect(performance.now() - startedAt).toBeLessThan(3000);
      expect(lines.some((line) => line.level === 40 && String(line.msg).includes('spans were not sent'))).toBe(true);
    } finally {
      if (previous === undefined) delete process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
      else process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT = previous;
    }
  });
});

describe('diagnosticsTo (decision 0060)', () => {
  it("logs OpenTelemetry's failed exports as warnings, at most one a minute with how many were held back", () => {
    const { logger, lines } = capturedLogger();
    let now = 0;
    const diagnostics = diagnosticsTo(logger, () => now);
    diagnostics.error('export failed: connect ECONNREFUSED');
    diagnostics.error('export failed: connect ECONNREFUSED');
    diagnostics.warn('export failed: connect ECONNREFUSED');
    now = 60_000;
    diagnostics.error('export failed: connect ECONNREFUSED');
    expect(lines.map(({ level, heldBack, msg }) => ({ level, heldBack, msg }))).toEqual([
      { level: 40, heldBack: 0, msg: 'tracing: export failed: connect ECONNREFUSED' },
      { level: 40, heldBack: 2, msg: 'tracing: export failed: connect ECONNREFUSED' },
    ]);
  });
});
