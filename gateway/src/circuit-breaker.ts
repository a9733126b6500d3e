/**
 * A circuit breaker per subgraph (decision 0055). Closed, every request goes through. After `failures` consecutive
 * failures (no answer: refused, reset, timed out, or a 5xx), each less than `windowMs` after the one before, it opens:
 * requests are answered at once without calling the subgraph. After `cooldownMs` it lets one probe through
 * (half-open); an answer closes it, a failure opens it for another cool-down. A GraphQL error in a 200 answer is an
 * answer: the subgraph is there.
 */
export type BreakerState = 'closed' | 'half-open' | 'open';

export interface BreakerSettings {
  failures: number;
  cooldownMs: number;
  windowMs: number;
}

export const DEFAULT_BREAKER_SETTINGS: BreakerSettings = { failures: 5, cooldownMs: 2000, windowMs: 10_000 };

export class CircuitBreaker {
  private current: BreakerState = 'closed';
  private consecutiveFailures = 0;
  private lastFailureAt = Number.NEGATIVE_INFINITY;
  private openedAt = 0;
  private probing = false;

  constructor(
    private readonly settings: BreakerSettings,
    private readonly now: () => number = Date.now,
    private readonly onChange: (state: BreakerState) => void = () => {},
  ) {}

  get state(): BreakerState {
    return this.current;
  }

  /** Whether a request may call the subgraph now; every `true` must be followed by `recordAnswer` or `recordFailure`. */
  tryAcquire(): boolean {
    if (this.current === 'closed') return true;
    if (this.current === 'open') {
      if (this.now() - this.openedAt < this.settings.cooldownMs) return false;
      this.moveTo('half-open');
    }
    if (this.probing) return false;
    this.probing = true;
    return true;
  }

  /** The subgraph answered (whatever the answer said). */
  recordAnswer(): void {
    this.probing = false;
    this.consecutiveFailures = 0;
    if (this.current !== 'closed') this.moveTo('closed');
  }

  /** The subgraph did not answer. A failure of a request sent before the breaker opened changes nothing while open. */
  recordFailure(): void {
    const now = this.now();
    if (this.current === 'half-open' && this.probing) return this.open(now);
    if (this.current !== 'closed') return;
    if (now - this.lastFailureAt > this.settings.windowMs) this.consecutiveFailures = 0;
    this.lastFailureAt = now;
    this.consecutiveFailures += 1;
    if (this.consecutiveFailures >= this.settings.failures) this.open(now);
  }

  private open(now: number): void {
    this.probing = false;
    this.openedAt = now;
    this.moveTo('open');
  }

  private moveTo(state: BreakerState): void {
    this.current = state;
    this.onChange(state);
  }
}

/** BREAKER_FAILURES and BREAKER_COOLDOWN_MS; a value that is not a positive whole number stops the start. */
export function breakerSettingsFromEnv(env: NodeJS.ProcessEnv): Partial<BreakerSettings> {
  const settings: Partial<BreakerSettings> = {};
  for (const [key, name] of [
    ['BREAKER_FAILURES', 'failures'],
    ['BREAKER_COOLDOWN_MS', 'cooldownMs'],
  ] as const) {
    const value = env[key];
    if (!value) continue;
    if (!/^[1-9]\d*$/.test(value)) throw new Error(`${key} must be a whole number above 0, not "${value}"`);
    settings[name] = Number(value);
  }
  return settings;
}
