import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { startTracing } from './tracing';

export { SpanKind } from '@opentelemetry/api';
export type { ReadableSpan };

export interface RecordedSpans {
  /** Every span ended so far. */
  spans(): ReadableSpan[];
  /** Unregisters the provider: tracing is off again in this process (test file). */
  stop(): Promise<void>;
}

/** Turns tracing on in this process with every span kept in memory, for tests that read them. */
export async function recordSpans(serviceName = 'tunet-test'): Promise<RecordedSpans> {
  const exporter = new InMemorySpanExporter();
  const tracing = await startTracing({ exporters: [], serviceName }, { processors: [new SimpleSpanProcessor(exporter)] });
  if (!tracing) throw new Error('tracing did not start');
  return { spans: () => exporter.getFinishedSpans(), stop: () => tracing.shutdown() };
}
