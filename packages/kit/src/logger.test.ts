import { Writable } from 'node:stream';
import { createLogger } from './logger';

describe('createLogger', () => {
  it("never logs a failed Redis command's arguments (keys and values), under err or another key", () => {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const previous = process.env.LOG_LEVEL;
    process.env.LOG_LEVEL = 'info';
    try {
      const logger = createLogger('test', destination);
      // What ioredis throws for a command that failed: the command with its arguments rides along.
      const error = Object.assign(new Error('Command timed out'), { command: { name: 'set', args: ['tunet:nonce:secret-key', 'secret-value'] } });
      logger.warn({ err: error }, 'failed');
      logger.warn({ cause: { command: { name: 'mget', args: ['tunet:revoked:session:secret-key'] } } }, 'failed');
    } finally {
      if (previous === undefined) delete process.env.LOG_LEVEL;
      else process.env.LOG_LEVEL = previous;
    }
    expect(lines).toHaveLength(2);
    expect(lines.join('')).not.toContain('secret');
    expect(JSON.parse(lines[0]!).err.command).toEqual({ name: 'set', args: '[Redacted]' });
  });
});
