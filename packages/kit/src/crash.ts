import { writeSync } from 'node:fs';
import { createLogger } from './logger';

/** What `exitOnUnhandled` needs of the process: its error events and its exit. */
export interface CrashingProcess {
  on(event: 'uncaughtException' | 'unhandledRejection', listener: (error: unknown) => void): unknown;
  exit(code: number): void;
}

/** Writes `text` to a file descriptor at once (`fs.writeSync`), or throws. */
export type WriteNow = (fd: number, text: string) => unknown;

export const CRASH_MESSAGE = 'an error nothing handled: exiting';

/**
 * An error nothing handled ends the process, as Node would by itself, but first as one structured log line with the
 * error's stack, where the log pipeline reads it: Node's own report is plain text on stderr. The orchestrator
 * restarts the process; its state is in PostgreSQL and Redis.
 *
 * pino formats the line (same redaction and fields as every other line) into a string, which is written with one
 * synchronous write: out before the exit, and a stdout that is closed or full fails that write at once (EPIPE,
 * EAGAIN) instead of being retried or swallowed, as pino's destinations do. The error then goes to stderr as Node
 * would have written it, as it does with logging off (LOG_LEVEL=silent). Whatever happens, the exit code is 1.
 */
export function exitOnUnhandled(name: string, proc: CrashingProcess = process, write: WriteNow = writeSync): void {
  let line = '';
  const logger = createLogger(name, { write: (text: string) => void (line = text) });
  const crash = (kind: string) => (error: unknown) => {
    const plain = `${kind}: ${error instanceof Error ? error.stack : String(error)}\n`;
    try {
      line = '';
      if (logger.isLevelEnabled('fatal')) logger.fatal({ err: error, kind }, CRASH_MESSAGE);
      write(line ? 1 : 2, line || plain);
    } catch {
      try {
        write(2, plain);
      } catch {
        // Neither stdout nor stderr takes it: the exit code is all that is left to say it.
      }
    } finally {
      proc.exit(1);
    }
  };
  proc.on('uncaughtException', crash('uncaughtException'));
  proc.on('unhandledRejection', crash('unhandledRejection'));
}
