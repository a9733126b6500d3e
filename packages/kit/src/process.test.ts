import { EventEmitter } from 'node:events';
import { Writable } from 'node:stream';
import pino from 'pino';
import { exitOnUnhandled } from './process';

/** A process that only emits its error events and records its exit code, and a logger whose lines the test reads. */
function crashingProcess() {
  const events = new EventEmitter();
  const exits: number[] = [];
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  const proc = { on: events.on.bind(events), exit: (code: number) => void exits.push(code) };
  exitOnUnhandled(pino({ level: 'info' }, destination), proc);
  return { events, exits, lines };
}

describe('exitOnUnhandled', () => {
  it.each(['unhandledRejection', 'uncaughtException'])('logs a %s as one fatal line with its stack, then exits with 1', async (kind) => {
    const { events, exits, lines } = crashingProcess();
    events.emit(kind, new Error('Connection is closed.'));
    await new Promise((resolve) => setImmediate(resolve));
    expect(exits).toEqual([1]);
    expect(lines).toEqual([
      expect.objectContaining({
        level: 60,
        kind,
        msg: 'an error nothing handled: exiting',
        err: expect.objectContaining({ message: 'Connection is closed.', stack: expect.stringContaining('process.test.ts') }),
      }),
    ]);
  });
});
