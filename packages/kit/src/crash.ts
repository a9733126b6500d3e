import pino from 'pino';
import { createLogger } from './logger';

/** What `exitOnUnhandled` needs of the process: its error events, its exit and its stderr. */
export interface CrashingProcess {
  on(event: 'uncaughtException' | 'unhandledRejection', listener: (error: unknown) => void): unknown;
  exit(code: number): void;
  stderr: { write(text: string): unknown };
}

export const CRASH_MESSAGE = 'an error nothing handled: exiting';

/**
 * An error nothing handled ends the process, as Node would by itself, but first as one structured log line with the
 * error's stack, where the log pipeline reads it: Node's own report is plain text on stderr. The orchestrator
 * restarts the process; its state is in PostgreSQL and Redis. The line is written synchronously, so it is out before
 * the exit whatever buffering pino's usual destination does. With logging off (LOG_LEVEL=silent), or a line that
 * cannot be written, the error goes to stderr as Node would have written it.
 */
export function exitOnUnhandled(
  name: string,
  proc: CrashingProcess = process,
  destination: pino.DestinationStream = pino.destination({ dest: 1, sync: true }),
): void {
  const logger = createLogger(name, destination);
  const crash = (kind: string) => (error: unknown) => {
    try {
      if (logger.isLevelEnabled('fatal')) logger.fatal({ err: error, kind }, CRASH_MESSAGE);
      else proc.stderr.write(`${kind}: ${error instanceof Error ? error.stack : String(error)}\n`);
    } catch {
      proc.stderr.write(`${kind}: ${error instanceof Error ? error.stack : String(error)}\n`);
    } finally {
      proc.exit(1);
    }
  };
  proc.on('uncaughtException', crash('uncaughtException'));
  proc.on('unhandledRejection', crash('unhandledRejection'));
}
