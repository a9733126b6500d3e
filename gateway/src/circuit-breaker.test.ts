import { breakerSettingsFromEnv, CircuitBreaker, type BreakerState } from './circuit-breaker';

const SETTINGS = { failures: 3, cooldownMs: 1000, windowMs: 5000 };

function breakerAt(start = 0): { breaker: CircuitBreaker; clock: { now: number }; states: BreakerState[] } {
  const clock = { now: start };
  const states: BreakerState[] = [];
  const breaker = new CircuitBreaker(
    SETTINGS,
    () => clock.now,
    (state) => states.push(state),
  );
  return { breaker, clock, states };
}

function fail(breaker: CircuitBreaker, times: number): void {
  for (let i = 0; i < times; i += 1) {
    expect(breaker.tryAcquire()).toBe(true);
    breaker.recordFailure();
  }
}

describe('circuit breaker', () => {
  it('opens after the configured number of consecutive failures and then refuses at once', () => {
    const { breaker, states } = breakerAt();
    fail(breaker, 2);
    expect(breaker.state).toBe('closed');
    fail(breaker, 1);

    expect(breaker.state).toBe('open');
    expect(breaker.tryAcquire()).toBe(false);
    expect(states).toEqual(['open']);
  });

  it('does not open when an answer comes between the failures', () => {
    const { breaker } = breakerAt();
    fail(breaker, 2);
    expect(breaker.tryAcquire()).toBe(true);
    breaker.recordAnswer();
    fail(breaker, 2);

    expect(breaker.state).toBe('closed');
  });

  it('does not count failures further apart than the window as consecutive', () => {
    const { breaker, clock } = breakerAt();
    fail(breaker, 2);
    clock.now += SETTINGS.windowMs + 1;
    fail(breaker, 2);

    expect(breaker.state).toBe('closed');
  });

  it('lets one probe through after the cool-down and closes when it is answered', () => {
    const { breaker, clock, states } = breakerAt();
    fail(breaker, 3);
    clock.now += SETTINGS.cooldownMs - 1;
    expect(breaker.tryAcquire()).toBe(false);
    clock.now += 1;

    expect(breaker.tryAcquire()).toBe(true);
    expect(breaker.state).toBe('half-open');
    expect(breaker.tryAcquire()).toBe(false);
    breaker.recordAnswer();
    expect(breaker.state).toBe('closed');
    expect(breaker.tryAcquire()).toBe(true);
    expect(states).toEqual(['open', 'half-open', 'closed']);
  });

  it('opens for another cool-down when the probe fails', () => {
    const { breaker, clock } = breakerAt();
    fail(breaker, 3);
    clock.now += SETTINGS.cooldownMs;
    fail(breaker, 1);

    expect(breaker.state).toBe('open');
    clock.now += SETTINGS.cooldownMs - 1;
    expect(breaker.tryAcquire()).toBe(false);
    clock.now += 1;
    expect(breaker.tryAcquire()).toBe(true);
  });

  it('ignores failures of requests sent before it opened', () => {
    const { breaker, clock } = breakerAt();
    fail(breaker, 3);
    clock.now += SETTINGS.cooldownMs - 10;
    breaker.recordFailure();
    clock.now += 10;

    expect(breaker.tryAcquire()).toBe(true);
  });
});

describe('breaker settings from the environment', () => {
  it('reads BREAKER_FAILURES and BREAKER_COOLDOWN_MS', () => {
    expect(breakerSettingsFromEnv({ BREAKER_FAILURES: '4', BREAKER_COOLDOWN_MS: '2500' })).toEqual({ failures: 4, cooldownMs: 2500 });
    expect(breakerSettingsFromEnv({})).toEqual({});
  });

  it.each(['0', '-1', '2.5', 'five'])('refuses %s', (value) => {
    expect(() => breakerSettingsFromEnv({ BREAKER_FAILURES: value })).toThrow(/BREAKER_FAILURES must be a whole number above 0/);
  });
});
