import { COMMAND_TIMEOUT_MS, commandTimeoutFromEnv } from './redis';

describe('the Redis command timeout (decision 0053)', () => {
  it('is 2 s unless REDIS_COMMAND_TIMEOUT_MS says otherwise, so an event-loop stall does not fail healthy commands', () => {
    expect(COMMAND_TIMEOUT_MS).toBe(2000);
    expect(commandTimeoutFromEnv({})).toBe(2000);
    expect(commandTimeoutFromEnv({ REDIS_COMMAND_TIMEOUT_MS: '' })).toBe(2000);
    expect(commandTimeoutFromEnv({ REDIS_COMMAND_TIMEOUT_MS: '750' })).toBe(750);
  });

  it.each(['0', '-5', '1.5', 'soon'])('refuses REDIS_COMMAND_TIMEOUT_MS=%s at the start', (bad) => {
    expect(() => commandTimeoutFromEnv({ REDIS_COMMAND_TIMEOUT_MS: bad })).toThrow('REDIS_COMMAND_TIMEOUT_MS');
  });
});
