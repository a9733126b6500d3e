/**
 * Whether and where a process sends traces, from the standard OpenTelemetry variables (decision 0060). Off unless
 * configured: OTEL_TRACES_EXPORTER (`otlp`, `console`, both comma-separated, or `none`), or an OTLP endpoint alone
 * (OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, OTEL_EXPORTER_OTLP_ENDPOINT), which turns OTLP on. OTEL_SDK_DISABLED=true turns
 * everything off. A value the SDK would quietly ignore or replace is a startup error here instead.
 */
export type TracesExporter = 'otlp' | 'console';

export interface TracingSettings {
  /** Where finished spans go; none means tracing is off and no provider is registered. */
  exporters: TracesExporter[];
  /** OTEL_SERVICE_NAME, else the process's own name (`tunet-gateway`, `tunet-posts`). */
  serviceName: string;
}

const EXPORTERS: ReadonlySet<string> = new Set(['otlp', 'console', 'none']);
const SAMPLERS: ReadonlySet<string> = new Set([
  'always_on',
  'always_off',
  'traceidratio',
  'parentbased_always_on',
  'parentbased_always_off',
  'parentbased_traceidratio',
]);
const ENDPOINTS = ['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', 'OTEL_EXPORTER_OTLP_ENDPOINT'] as const;

export function tracingSettingsFromEnv(env: NodeJS.ProcessEnv, defaultServiceName: string): TracingSettings {
  const serviceName = env.OTEL_SERVICE_NAME?.trim() || defaultServiceName;
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return { exporters: [], serviceName };
  const exporters = exportersOf(env);
  if (exporters.includes('otlp')) checkOtlp(env);
  if (exporters.length > 0) checkSampler(env);
  return { exporters, serviceName };
}

/** Unlike the SDK's default (otlp), nothing is sent unless asked for: an endpoint alone is asking for OTLP. */
function exportersOf(env: NodeJS.ProcessEnv): TracesExporter[] {
  const value = env.OTEL_TRACES_EXPORTER?.trim();
  if (!value) return ENDPOINTS.some((name) => env[name]?.trim()) ? ['otlp'] : [];
  const names = value.split(',').map((name) => name.trim().toLowerCase());
  const unknown = names.find((name) => !EXPORTERS.has(name));
  if (unknown !== undefined) throw new Error(`OTEL_TRACES_EXPORTER must be otlp, console or none (or otlp,console), not "${unknown}"`);
  if (names.includes('none')) {
    if (names.length > 1) throw new Error(`OTEL_TRACES_EXPORTER=none cannot be combined with another exporter ("${value}")`);
    return [];
  }
  return [...new Set(names)] as TracesExporter[];
}

/** Tunet sends OTLP over HTTP as JSON; a gRPC endpoint would take nothing and say nothing, protobuf is not what is sent. */
function checkOtlp(env: NodeJS.ProcessEnv): void {
  for (const name of ENDPOINTS) {
    const value = env[name]?.trim();
    if (!value) continue;
    const url = URL.canParse(value) ? new URL(value) : null;
    // Nothing of the value is repeated: an endpoint may carry a user and password (even where a scheme should be, as
    // in `user:password@host`), and startup errors reach logs.
    if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) throw new Error(`${name} must be an http:// or https:// URL`);
  }
  // The traces variable wins over the general one, as in the SDK; the HTTP exporter sends JSON whatever they say.
  const name = env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL?.trim() ? 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL' : 'OTEL_EXPORTER_OTLP_PROTOCOL';
  const protocol = env[name]?.trim();
  if (protocol && protocol !== 'http/json') {
    throw new Error(`${name} must be http/json, not "${protocol}": Tunet sends OTLP over HTTP as JSON, to the collector's HTTP port (4318)`);
  }
}

/** The SDK reads OTEL_TRACES_SAMPLER(_ARG) itself, and falls back silently on a value it does not know. */
function checkSampler(env: NodeJS.ProcessEnv): void {
  const sampler = env.OTEL_TRACES_SAMPLER?.trim();
  if (sampler && !SAMPLERS.has(sampler)) throw new Error(`OTEL_TRACES_SAMPLER must be one of ${[...SAMPLERS].join(', ')}, not "${sampler}"`);
  const ratio = env.OTEL_TRACES_SAMPLER_ARG?.trim();
  if (sampler?.endsWith('traceidratio') && ratio) {
    const value = Number(ratio);
    if (!Number.isFinite(value) || value < 0 || value > 1) throw new Error(`OTEL_TRACES_SAMPLER_ARG must be a ratio from 0 to 1, not "${ratio}"`);
  }
}
