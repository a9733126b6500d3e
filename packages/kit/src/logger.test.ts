import { capturedLogger } from './logger.fixtures';

describe('createLogger', () => {
  it("never logs a failed Redis command's arguments (keys and values), under err or another key", () => {
    const { logger, lines } = capturedLogger();
    // What ioredis throws for a command that failed: the command with its arguments rides along.
    const error = Object.assign(new Error('Command timed out'), { command: { name: 'set', args: ['tunet:nonce:secret-key', 'secret-value'] } });
    logger.warn({ err: error }, 'failed');
    logger.warn({ cause: { command: { name: 'mget', args: ['tunet:revoked:session:secret-key'] } } }, 'failed');
    expect(lines).toHaveLength(2);
    expect(JSON.stringify(lines)).not.toContain('secret');
    expect((lines[0]!.err as { command: unknown }).command).toEqual({ name: 'set', args: '[Redacted]' });
  });
});
