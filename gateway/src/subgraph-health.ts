import type { Logger } from '@tunet/kit';
import type { Express } from 'express';
import { Counter, Gauge } from 'prom-client';
import { CircuitBreaker, DEFAULT_BREAKER_SETTINGS, type BreakerSettings, type BreakerState } from './circuit-breaker';
import type { SubgraphFailure } from './subgraph-retries';

const BREAKER_STATE_VALUES: Record<BreakerState, number> = { closed: 0, 'half-open': 1, open: 2 };

const breakerStateGauge = new Gauge({
  name: 'tunet_gateway_subgraph_breaker_state',
  help: "State of the gateway's circuit breaker per subgraph: 0 closed, 1 half-open, 2 open.",
  labelNames: ['subgraph'],
});

const fetchFailures = new Counter({
  name: 'tunet_gateway_subgraph_fetch_failures_total',
  help: 'Subgraph fetch attempts that got no answer, by subgraph and failure (timeout, unreachable, server-error).',
  labelNames: ['subgraph', 'failure'],
});

/** How often /healthz/subgraphs may ask every subgraph's /readyz: a public endpoint must not multiply its callers. */
const PROBE_INTERVAL_MS = 1000;
const PROBE_TIMEOUT_MS = 2000;

export interface SubgraphProbe {
  ready: boolean;
  status: number | null;
  latencyMs: number;
  at: string;
}

/** One circuit breaker per subgraph, its metrics, and what the last readiness probe of each subgraph found. */
export class SubgraphHealth {
  private readonly breakers = new Map<string, CircuitBreaker>();
  private readonly urls = new Map<string, string>();
  private probes: Promise<Record<string, SubgraphProbe>> | null = null;
  private probedAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly settings: BreakerSettings = DEFAULT_BREAKER_SETTINGS,
    private readonly logger?: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * The breaker for a subgraph at `url`, made when the gateway builds its data source. Its opening and closing are
   * warned with the subgraph's name, so an outage's start and end are in the log (half-open probes are not).
   */
  register(name: string, url: string): CircuitBreaker {
    const breaker = new CircuitBreaker(this.settings, this.now, (state) => {
      breakerStateGauge.set({ subgraph: name }, BREAKER_STATE_VALUES[state]);
      if (state === 'open') this.logger?.warn({ subgraph: name, cooldownMs: this.settings.cooldownMs }, 'subgraph circuit breaker opened');
      if (state === 'closed') this.logger?.warn({ subgraph: name }, 'subgraph circuit breaker closed');
    });
    breakerStateGauge.set({ subgraph: name }, BREAKER_STATE_VALUES.closed);
    this.breakers.set(name, breaker);
    this.urls.set(name, url);
    return breaker;
  }

  countFailure(name: string, failure: SubgraphFailure): void {
    fetchFailures.inc({ subgraph: name, failure });
  }

  /** Each subgraph's breaker state and readiness, as GET /healthz/subgraphs answers it (always 200: this gateway serves). */
  async report(): Promise<Record<string, { breaker: BreakerState; probe: SubgraphProbe }>> {
    if (this.now() - this.probedAt >= PROBE_INTERVAL_MS || !this.probes) {
      this.probedAt = this.now();
      this.probes = this.probeAll();
    }
    const probes = await this.probes;
    return Object.fromEntries([...this.breakers].map(([name, breaker]) => [name, { breaker: breaker.state, probe: probes[name]! }]));
  }

  mount(app: Express): void {
    app.get('/healthz/subgraphs', async (_req, res) => void res.json({ subgraphs: await this.report() }));
  }

  private async probeAll(): Promise<Record<string, SubgraphProbe>> {
    const entries = await Promise.all([...this.urls].map(async ([name, url]) => [name, await probe(url)] as const));
    return Object.fromEntries(entries);
  }
}

async function probe(url: string): Promise<SubgraphProbe> {
  const at = new Date().toISOString();
  const started = performance.now();
  const status = await fetch(new URL('/readyz', url), { signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) }).then(
    (response) => {
      void response.body?.cancel();
      return response.status;
    },
    () => null,
  );
  return { ready: status === 200, status, latencyMs: Math.round(performance.now() - started), at };
}
