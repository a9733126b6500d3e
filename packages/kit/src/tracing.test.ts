import { Writable } from 'node:stream';
import { trace } from '@opentelemetry/api';
import { createLogger } from './logger';
import { traceWork } from './tracing';
import { recordSpans, type RecordedSpans } from './tracing.fixtures';

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

  it("writes the trace's id on log lines written inside a span, and none outside", async () => {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const previous = process.env.LOG_LEVEL;
    process.env.LOG_LEVEL = 'info';
    try {
      const logger = createLogger('test', destination);
      logger.info('outside');
      const traceId = trace.getTracer('test').startActiveSpan('POST /graphql', (span) => {
        logger.info('inside');
        span.end();
        return span.spanContext().traceId;
      });
      expect(JSON.parse(lines[0]!).traceId).toBeUndefined();
      expect(JSON.parse(lines[1]!).traceId).toBe(traceId);
    } finally {
      if (previous === undefined) delete process.env.LOG_LEVEL;
      else process.env.LOG_LEVEL = previous;
    }
  });
});
