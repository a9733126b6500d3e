import { Writable } from 'node:stream';
import { createLogger, type Logger } from './logger';

/** A logger at level info whose entries the test reads, each parsed from its JSON line. */
export function capturedLogger(): { logger: Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  const logger = createLogger('test', destination);
  logger.level = 'info';
  return { logger, lines };
}
