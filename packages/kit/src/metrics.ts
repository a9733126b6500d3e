import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { collectDefaultMetrics, Counter, Gauge, Histogram, register } from 'prom-client';

/**
 * Every Tunet metric lives in prom-client's default registry, so a counter defined anywhere (the kit, a subgraph)
 * is served without being registered twice. Names are `tunet_<area>_<what>`; labels only ever take bounded values.
 */
export const metricsRegistry = register;

/** Seconds: from a fast cache hit to a subgraph timeout (10 s by default). */
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

export const gatewayRequests = new Counter({
  name: 'tunet_gateway_requests_total',
  help: 'GraphQL requests the gateway answered, by operation name (bounded; see operation-labels) and outcome: ok, client_error or server_error.',
  labelNames: ['operation', 'outcome'] as const,
});

export const gatewayErrors = new Counter({
  name: 'tunet_gateway_errors_total',
  help: 'GraphQL errors in the gateway’s answers, by operation name (bounded) and extensions.code (known codes; others are OTHER).',
  labelNames: ['operation', 'code'] as const,
});

export const gatewayRequestDuration = new Histogram({
  name: 'tunet_gateway_request_duration_seconds',
  help: 'Time from a GraphQL request reaching the gateway to its answer being sent, by operation name (bounded).',
  labelNames: ['operation'] as const,
  buckets: LATENCY_BUCKETS,
});

export const subgraphFetchDuration = new Histogram({
  name: 'tunet_subgraph_fetch_duration_seconds',
  help: 'Time the gateway waited for one subgraph fetch, by subgraph and outcome: ok, error (a non-2xx answer or a failed connection) or timeout.',
  labelNames: ['subgraph', 'outcome'] as const,
  buckets: LATENCY_BUCKETS,
});

/**
 * Times one subgraph fetch until its answer's headers arrive, into tunet_subgraph_fetch_duration_seconds: ok for a
 * 2xx or a 400 (a GraphQL answer about the client's input), error for any other status or a failed connection,
 * timeout when its time ran out. Hands the fetch's outcome on unchanged.
 */
export async function timeSubgraphFetch(subgraph: string, fetching: Promise<Response>): Promise<Response> {
  const stop = subgraphFetchDuration.startTimer({ subgraph });
  try {
    const response = await fetching;
    stop({ outcome: response.ok || response.status === 400 ? 'ok' : 'error' });
    return response;
  } catch (error) {
    stop({ outcome: (error as Error).name === 'TimeoutError' ? 'timeout' : 'error' });
    throw error;
  }
}

export const outboxLag = new Gauge({
  name: 'tunet_outbox_lag_seconds',
  help: 'Age of the oldest outbox row not yet relayed to the event stream, by subgraph schema; 0 when everything is relayed. Set by each relay run.',
  labelNames: ['schema'] as const,
});

export const jobRuns = new Counter({
  name: 'tunet_job_runs_total',
  help: 'Runs of background jobs (outbox relays, sweeps, reminders, digests, dispatch), by job and outcome: ok or failed.',
  labelNames: ['job', 'outcome'] as const,
});

export const jobRunDuration = new Histogram({
  name: 'tunet_job_run_duration_seconds',
  help: 'How long one run of a background job took, by job.',
  labelNames: ['job'] as const,
  buckets: [0.005, 0.025, 0.1, 0.5, 1, 5, 30, 120],
});

export const notificationDeliveries = new Counter({
  name: 'tunet_notification_deliveries_total',
  help: 'Notification delivery attempts, by channel (email, push, …) and status (sent, failed, skipped, …).',
  labelNames: ['channel', 'status'] as const,
});

let processMetricsOn = false;

/** Process CPU, memory, event-loop lag and the like (prom-client's defaults), once per process however often called. */
export function collectProcessMetrics(): void {
  if (processMetricsOn) return;
  processMetricsOn = true;
  collectDefaultMetrics({ register: metricsRegistry });
}

/** The metrics port from METRICS_PORT: unset or empty means no metrics server. */
export function metricsPortFromEnv(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const value = env.METRICS_PORT;
  if (!value) return undefined;
  if (!/^\d+$/.test(value) || Number(value) > 65_535) throw new Error(`METRICS_PORT must be a port number, not "${value}"`);
  return Number(value);
}

export interface MetricsServer {
  url: string;
  port: number;
  stop(): Promise<void>;
}

/**
 * Serves `GET /metrics` in Prometheus's text format on its own port, apart from the API: the API port faces the
 * internet through the load balancer, this one only the scraper (bind it to a private interface). Nothing else is
 * served here.
 */
export async function startMetricsServer(port: number, host = '127.0.0.1'): Promise<MetricsServer> {
  collectProcessMetrics();
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    if (path !== '/metrics' || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found\n');
      return;
    }
    metricsRegistry.metrics().then(
      (text) => void res.writeHead(200, { 'content-type': metricsRegistry.contentType }).end(req.method === 'HEAD' ? undefined : text),
      () => void res.writeHead(500, { 'content-type': 'text/plain' }).end('Metrics could not be collected\n'),
    );
  });
  const bound = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve((server.address() as AddressInfo).port));
  });
  return {
    url: `http://${host}:${bound}/metrics`,
    port: bound,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * Starts the metrics server when METRICS_PORT is set (on METRICS_HOST, default 127.0.0.1: a scraper on another host
 * needs METRICS_HOST set to a private interface, so the metrics are never public by accident); else nothing.
 */
export async function startMetricsServerFromEnv(env: NodeJS.ProcessEnv = process.env): Promise<MetricsServer | undefined> {
  const port = metricsPortFromEnv(env);
  if (port === undefined) return undefined;
  return startMetricsServer(port, env.METRICS_HOST ?? '127.0.0.1');
}
