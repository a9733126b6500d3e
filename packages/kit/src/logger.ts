import pino from 'pino';
import { activeTraceId } from './tracing';

export type Logger = pino.Logger;

/**
 * A failed ioredis command carries its arguments (`err.command.args`): keys and values such as a nonce, a session id
 * or a cached verification, never logged.
 */
const REDACTED = ['req.headers.authorization', '*.password', '*.refreshToken', '*.accessToken', 'err.command.args', '*.command.args'];

/** Logs to stdout; `destination` only for tests that read what was logged. */
export function createLogger(name: string, destination?: pino.DestinationStream): Logger {
  const options = {
    name,
    level: process.env.LOG_LEVEL ?? (process.env.NODE_ENV === 'test' ? 'silent' : 'info'),
    redact: REDACTED,
    mixin: traceOfLine,
  };
  return destination ? pino(options, destination) : pino(options);
}

/** A line written inside a span carries its trace's id when tracing is on (decision 0060), to go from a trace to its logs. */
function traceOfLine(): { traceId?: string } {
  const traceId = activeTraceId();
  return traceId ? { traceId } : {};
}
