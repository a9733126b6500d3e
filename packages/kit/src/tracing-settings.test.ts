import { tracingSettingsFromEnv } from './tracing-settings';

const settings = (env: NodeJS.ProcessEnv) => tracingSettingsFromEnv(env, 'tunet-posts');

describe('tracingSettingsFromEnv (decision 0060)', () => {
  it('is off by default, and with none or OTEL_SDK_DISABLED even beside an endpoint', () => {
    expect(settings({})).toEqual({ exporters: [], serviceName: 'tunet-posts' });
    expect(settings({ OTEL_TRACES_EXPORTER: 'none', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }).exporters).toEqual([]);
    expect(settings({ OTEL_SDK_DISABLED: 'true', OTEL_TRACES_EXPORTER: 'console' }).exporters).toEqual([]);
  });

  it('turns OTLP on for an endpoint alone, the traces endpoint or the general one', () => {
    expect(settings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }).exporters).toEqual(['otlp']);
    expect(settings({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://collector.example/v1/traces' }).exporters).toEqual(['otlp']);
  });

  it('takes the exporters named, once each, and the service name given', () => {
    expect(settings({ OTEL_TRACES_EXPORTER: 'console' }).exporters).toEqual(['console']);
    expect(settings({ OTEL_TRACES_EXPORTER: 'otlp, Console,otlp' }).exporters).toEqual(['otlp', 'console']);
    expect(settings({ OTEL_TRACES_EXPORTER: 'console', OTEL_SERVICE_NAME: 'posts-eu-1' }).serviceName).toBe('posts-eu-1');
  });

  it('refuses to start on a value the SDK would ignore or replace, naming the variable', () => {
    expect(() => settings({ OTEL_TRACES_EXPORTER: 'jaeger' })).toThrow('OTEL_TRACES_EXPORTER must be otlp, console or none (or otlp,console), not "jaeger"');
    expect(() => settings({ OTEL_TRACES_EXPORTER: 'none,console' })).toThrow(/cannot be combined/);
    expect(() => settings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' })).toThrow(/OTEL_EXPORTER_OTLP_ENDPOINT must be an http:\/\/ or https:\/\/ URL/);
    expect(() => settings({ OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'ftp://x/' })).toThrow(/TRACES_ENDPOINT must be an http/);
    expect(() => settings({ OTEL_TRACES_EXPORTER: 'console', OTEL_TRACES_SAMPLER: 'sometimes' })).toThrow(/OTEL_TRACES_SAMPLER must be one of/);
    expect(() => settings({ OTEL_TRACES_EXPORTER: 'console', OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '1.5' })).toThrow(
      'OTEL_TRACES_SAMPLER_ARG must be a ratio from 0 to 1, not "1.5"',
    );
  });

  it('takes OTLP as JSON only, which is what the exporter sends, naming the variable for another protocol', () => {
    expect(settings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' }).exporters).toEqual(['otlp']);
    expect(() => settings({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf' })).toThrow(
      /^OTEL_EXPORTER_OTLP_PROTOCOL must be http\/json, not "http\/protobuf"/,
    );
    expect(() => settings({ OTEL_TRACES_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'grpc', OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' })).toThrow(
      /^OTEL_EXPORTER_OTLP_TRACES_PROTOCOL must be http\/json, not "grpc"/,
    );
  });

  it('never repeats the endpoint in its error: the URL may hold a password', () => {
    const refusal = (env: NodeJS.ProcessEnv) => {
      try {
        settings(env);
      } catch (error) {
        return (error as Error).message;
      }
      throw new Error('no refusal');
    };
    const ftp = refusal({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'ftp://tracer:s3cret@collector.example/v1/traces' });
    expect(ftp).toBe('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT must be an http:// or https:// URL');
    expect(refusal({ OTEL_EXPORTER_OTLP_ENDPOINT: 'tracer:s3cret@collector.example' })).toBe('OTEL_EXPORTER_OTLP_ENDPOINT must be an http:// or https:// URL');
  });

  it('accepts the standard samplers and leaves them to the SDK; reads nothing else while off', () => {
    const ratio = { OTEL_TRACES_EXPORTER: 'console', OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.1' };
    expect(settings(ratio).exporters).toEqual(['console']);
    expect(settings({ OTEL_TRACES_SAMPLER: 'sometimes', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }).exporters).toEqual([]);
  });
});
