import {
  context,
  diag,
  DiagLogLevel,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  TraceFlags,
  type Attributes,
  type DiagLogger,
  type Span,
  type Tracer,
} from '@opentelemetry/api';
import type { SpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { Request, RequestHandler, Response } from 'express';
import type { Logger } from './logger';
import { operationNameRedaction } from './tracing-redaction';
import { tracingSettingsFromEnv, type TracingSettings } from './tracing-settings';

/**
 * OpenTelemetry tracing (decision 0060): spans Tunet opens where it owns the code, so they work the same bundled and
 * unbundled (no require-time patching). Off unless configured (tracing-settings.ts): then no provider is registered,
 * every helper here returns at once, and the API's tracers (Apollo gateway's too) are no-ops.
 */

/**
 * Semantic-convention names written out: this module is loaded by every process (the logger's mixin), and the
 * conventions package would cost each one tens of milliseconds with tracing off. (The API itself is loaded anyway,
 * by prom-client.)
 */
const ATTR_ERROR_TYPE = 'error.type';
const ATTR_HTTP_REQUEST_METHOD = 'http.request.method';
const ATTR_HTTP_RESPONSE_STATUS_CODE = 'http.response.status_code';
const ATTR_HTTP_ROUTE = 'http.route';
const ATTR_SERVICE_NAME = 'service.name';

/** What a span's attributes may hold at most per value: an operation name a client made up stays short. */
const ATTRIBUTE_VALUE_LENGTH_LIMIT = 256;

/**
 * How long shutdown waits for the last spans to be sent: the exporter retries a collector that is down for about
 * 10 s, which would overrun the documented shutdown (SHUTDOWN_DELAY_MS + DRAIN_TIMEOUT_MS) and the orchestrator's grace.
 */
const SHUTDOWN_FLUSH_MS = 2000;

/** At most one line per this many ms for OpenTelemetry's own complaints: a collector that is down fails every batch. */
const DIAGNOSTICS_EVERY_MS = 60_000;

export interface Tracing {
  /** Sends what is buffered and unregisters the provider; on the processes' shutdown path. */
  shutdown(): Promise<void>;
}

/** The started tracing and its tracer, taken from the provider itself: a proxy tracer would keep the first provider's. */
let running: (Tracing & { tracer: Tracer }) | null = null;

/** Whether a provider is registered: the helpers do nothing when it is not. */
export function tracingOn(): boolean {
  return running !== null;
}

/**
 * Registers the global tracer provider, the AsyncLocalStorage context manager and the W3C trace-context propagator,
 * with a batch processor per exporter; `processors` are added as given (tests record spans in memory). Returns null,
 * registering nothing, when there is nowhere to send spans. The SDK is loaded only then.
 */
export async function startTracing(settings: TracingSettings, options: { processors?: SpanProcessor[]; logger?: Logger } = {}): Promise<Tracing | null> {
  const { processors = [], logger } = options;
  if (settings.exporters.length === 0 && processors.length === 0) return null;
  if (running) throw new Error('tracing is already started in this process');
  const [sdk, { AsyncLocalStorageContextManager }, { W3CTraceContextPropagator }, resources] = await Promise.all([
    import('@opentelemetry/sdk-trace-base'),
    import('@opentelemetry/context-async-hooks'),
    import('@opentelemetry/core'),
    import('@opentelemetry/resources'),
  ]);
  const exporters = await Promise.all(
    settings.exporters.map(async (name) =>
      name === 'console' ? new sdk.ConsoleSpanExporter() : new (await import('@opentelemetry/exporter-trace-otlp-http')).OTLPTraceExporter(),
    ),
  );
  const lengthFromEnv = process.env.OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT ?? process.env.OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT;
  const provider = new sdk.BasicTracerProvider({
    // OTEL_RESOURCE_ATTRIBUTES and OTEL_SERVICE_NAME (envDetector) win over the process's own name.
    resource: resources
      .resourceFromAttributes({ [ATTR_SERVICE_NAME]: settings.serviceName })
      .merge(resources.detectResources({ detectors: [resources.envDetector] })),
    spanLimits: lengthFromEnv ? undefined : { attributeValueLengthLimit: ATTRIBUTE_VALUE_LENGTH_LIMIT },
    // Redaction first: the processors after it, exporters included, see the span as it leaves the process.
    spanProcessors: [operationNameRedaction, ...exporters.map((exporter) => new sdk.BatchSpanProcessor(exporter)), ...processors],
  });
  if (logger) diag.setLogger(diagnosticsTo(logger), { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true });
  trace.setGlobalTracerProvider(provider);
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  const started = {
    tracer: provider.getTracer('tunet'),
    async shutdown() {
      if (running !== started) return;
      running = null;
      try {
        await within(provider.shutdown(), SHUTDOWN_FLUSH_MS);
      } catch (error) {
        logger?.warn({ err: error }, 'tracing: the last spans were not sent (trace collector down or slow)');
      } finally {
        trace.disable();
        context.disable();
        propagation.disable();
        diag.disable();
      }
    },
  };
  running = started;
  return started;
}

/** `work`, or a rejection once `ms` have passed without it settling (it goes on, unwatched). */
async function within<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`not done within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * OpenTelemetry's own errors and warnings (an export that failed, a span limit hit) as warning lines, so a collector
 * that is down is seen, but at most one line per `everyMs` with how many were held back since the last one.
 */
export function diagnosticsTo(logger: Logger, now: () => number = Date.now, everyMs = DIAGNOSTICS_EVERY_MS): DiagLogger {
  let lastAt = Number.NEGATIVE_INFINITY;
  let heldBack = 0;
  const warn = (message: string) => {
    const at = now();
    if (at - lastAt < everyMs) {
      heldBack += 1;
      return;
    }
    lastAt = at;
    logger.warn({ heldBack }, `tracing: ${message.slice(0, 500)}`);
    heldBack = 0;
  };
  const ignore = () => undefined;
  return { error: warn, warn, info: ignore, debug: ignore, verbose: ignore };
}

/** Tracing as the environment configures it (README, production configuration); logs where spans go when on. */
export async function startTracingFromEnv(defaultServiceName: string, logger: Logger): Promise<Tracing | null> {
  const settings = tracingSettingsFromEnv(process.env, defaultServiceName);
  const tracing = await startTracing(settings, { logger });
  if (tracing) logger.info({ exporters: settings.exporters, serviceName: settings.serviceName }, 'tracing on');
  return tracing;
}

export interface IncomingSpan {
  /** Where the middleware is mounted (`/graphql`): the span is named `<method> <route>`, never from the request's path. */
  route: string;
  /**
   * Continue the caller's trace from its `traceparent` header: only behind the gateway signature, so a request that
   * is not the gateway's cannot join or pick a trace. The gateway starts a new trace for every client request.
   */
  continueTrace: boolean;
  attributes?: Attributes;
  /** When the span has started: to find it again (the gateway's operation name) or to add the request's id. */
  started?(span: Span, req: Request, res: Response): void;
  /** When the response has closed, before the span ends: what only the end knows (error codes). */
  finished?(span: Span, res: Response): void;
}

/** The methods a span's name may hold: Node's parser takes dozens (PROPFIND, MKCOL), and span names are indexed. */
const KNOWN_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH']);

/**
 * A SERVER span around each request, active for everything that handles it (express middleware, Apollo, resolvers,
 * database calls), ended when the response closes however it closes. The request and response are bound to the
 * span's context, so their listeners (a body read after this) run in it too.
 */
export function traceIncoming(options: IncomingSpan): RequestHandler {
  return (req, res, next) => {
    if (!running) return next();
    const parent = options.continueTrace ? propagation.extract(ROOT_CONTEXT, req.headers) : ROOT_CONTEXT;
    const method = KNOWN_METHODS.has(req.method) ? req.method : undefined;
    const span = running.tracer.startSpan(
      `${method ?? 'OTHER'} ${options.route}`,
      // `_OTHER` is OpenTelemetry's value for a method outside the HTTP standard's list.
      { kind: SpanKind.SERVER, attributes: { [ATTR_HTTP_REQUEST_METHOD]: method ?? '_OTHER', [ATTR_HTTP_ROUTE]: options.route, ...options.attributes } },
      parent,
    );
    const active = trace.setSpan(parent, span);
    options.started?.(span, req, res);
    res.once('close', () => {
      span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, res.statusCode);
      options.finished?.(span, res);
      if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    });
    context.bind(active, req);
    context.bind(active, res);
    context.with(active, () => next());
  };
}

/**
 * A CLIENT span around one call to another Tunet process, its context sent along as the W3C `traceparent` header:
 * `send` gets the headers to add (none when tracing is off) and the span, for what the answer says (its status).
 * The header is not signed (kit internal-signature): it can only mislabel a trace, never change what is served.
 */
export async function traceOutgoing<T>(name: string, attributes: Attributes, send: (headers: Record<string, string>, span?: Span) => Promise<T>): Promise<T> {
  if (!running) return send({});
  return running.tracer.startActiveSpan(name, { kind: SpanKind.CLIENT, attributes }, async (span) => {
    const headers: Record<string, string> = {};
    propagation.inject(context.active(), headers);
    try {
      return await send(headers, span);
    } catch (error) {
      markFailed(span, error);
      throw error;
    } finally {
      span.end();
    }
  });
}

/** A span whose work threw: status ERROR and the error's class name (never its message, which may hold data). */
function markFailed(span: Span, error: unknown): void {
  span.setStatus({ code: SpanStatusCode.ERROR });
  span.setAttribute(ATTR_ERROR_TYPE, error instanceof Error ? error.name : 'Error');
}

/** What a called process answered, on the call's span (traceOutgoing's): its HTTP status, and ERROR for a 5xx. */
export function traceAnswer(span: Span | undefined, status: number): void {
  if (!span) return;
  span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, status);
  if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
}

/**
 * A zero-length CLIENT span with status ERROR for a call that was never made (the subgraph's breaker was open): the
 * trace then shows why those fields failed at once, not a gap.
 */
export function traceSkipped(name: string, attributes: Attributes): void {
  if (!running) return;
  const at = new Date();
  const span = running.tracer.startSpan(name, { kind: SpanKind.CLIENT, attributes, startTime: at });
  span.setStatus({ code: SpanStatusCode.ERROR });
  span.end(at);
}

/**
 * An INTERNAL span around `work` (a database transaction) under the active span: only inside a traced request, so the
 * background jobs' frequent runs (a relay every half second) do not each become a trace of their own. `name` is fixed
 * text: never a statement, whose values could be personal data.
 */
export async function traceWork<T>(name: string, attributes: Attributes, work: () => Promise<T>): Promise<T> {
  if (!running || !trace.getActiveSpan()) return work();
  return running.tracer.startActiveSpan(name, { attributes }, async (span) => {
    try {
      return await work();
    } catch (error) {
      markFailed(span, error);
      throw error;
    } finally {
      span.end();
    }
  });
}

/**
 * The id of the active trace, for log lines written inside a span (kit logger's mixin); undefined outside one and in
 * a trace not sampled, whose spans are never sent: an id that leads nowhere would only mislead.
 */
export function activeTraceId(): string | undefined {
  if (!running) return undefined;
  const spanContext = trace.getActiveSpan()?.spanContext();
  if (!spanContext || !trace.isSpanContextValid(spanContext) || (spanContext.traceFlags & TraceFlags.SAMPLED) === 0) return undefined;
  return spanContext.traceId;
}
