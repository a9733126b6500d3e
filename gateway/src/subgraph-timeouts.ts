import type { Logger } from '@tunet/kit';

/**
 * Milliseconds the gateway waits for a subgraph's answer: `default` for every subgraph, overridden by subgraph name.
 * Long enough for the slowest ordinary request (a member import parses its CSV inside the request, and on PGlite a
 * request queues behind a running import for its one connection); short next to a client's patience.
 */
export interface SubgraphTimeouts {
  default?: number;
  [subgraph: string]: number | undefined;
}

export const DEFAULT_SUBGRAPH_TIMEOUT_MS = 10_000;

export function timeoutFor(timeouts: SubgraphTimeouts | undefined, subgraph: string): number {
  return timeouts?.[subgraph] ?? timeouts?.default ?? DEFAULT_SUBGRAPH_TIMEOUT_MS;
}

/** SUBGRAPH_TIMEOUT_MS and SUBGRAPH_<NAME>_TIMEOUT_MS; a value that is not a positive whole number stops the start. */
export function subgraphTimeoutsFromEnv(env: NodeJS.ProcessEnv): SubgraphTimeouts {
  const timeouts: SubgraphTimeouts = {};
  for (const [key, value] of Object.entries(env)) {
    const name = key === 'SUBGRAPH_TIMEOUT_MS' ? 'default' : /^SUBGRAPH_([A-Z0-9_]+)_TIMEOUT_MS$/.exec(key)?.[1]?.toLowerCase();
    if (!name || !value) continue;
    if (!/^[1-9]\d*$/.test(value)) throw new Error(`${key} must be a whole number of milliseconds above 0, not "${value}"`);
    timeouts[name] = Number(value);
  }
  return timeouts;
}

/** Whether a fetch failed because its `AbortSignal.timeout` (or an abort with such a reason) ran out. */
export function isTimeout(error: unknown): boolean {
  return (error as Error | undefined)?.name === 'TimeoutError';
}

/** Logs that a subgraph ran out of time, with what a support request needs to find it. */
export function logTimeout(logger: Logger, subgraph: string, timeoutMs: number, requestId: string | undefined): void {
  logger.warn({ subgraph, timeoutMs, requestId }, 'subgraph did not answer in time');
}
