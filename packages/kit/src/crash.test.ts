import { spawnSync } from 'node:child_process';
import { EventEmitter } from 'node:events';
import path from 'node:path';
import { Writable } from 'node:stream';
import { CRASH_MESSAGE, exitOnUnhandled } from './crash';

const CHILD = path.join(__dirname, 'crash-child.fixtures.ts');

/** A process that only emits its error events and records its exit codes and stderr. */
function fakeProcess() {
  const events = new EventEmitter();
  const exits: number[] = [];
  const stderr: string[] = [];
  return {
    events,
    exits,
    stderr,
    proc: { on: events.on.bind(events), exit: (code: number) => void exits.push(code), stderr: { write: (text: string) => stderr.push(text) } },
  };
}

describe('exitOnUnhandled', () => {
  it('writes an unhandled rejection as one fatal JSON line with its stack, then exits 1', () => {
    const child = spawnSync(process.execPath, ['--import', 'tsx', CHILD], {
      env: { ...process.env, LOG_LEVEL: 'info', NODE_ENV: 'production' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(child.status).toBe(1);
    const lines = child.stdout
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines).toEqual([
      expect.objectContaining({
        level: 60,
        name: 'crash-child',
        kind: 'unhandledRejection',
        msg: CRASH_MESSAGE,
        err: expect.objectContaining({ message: 'Connection is closed.', stack: expect.stringContaining('crash-child.fixtures.ts') }),
      }),
    ]);
  });

  it('writes the error to stderr when logging is off, and when the log line cannot be written, and exits 1 either way', () => {
    const silent = fakeProcess();
    const previous = process.env.LOG_LEVEL;
    process.env.LOG_LEVEL = 'silent';
    try {
      exitOnUnhandled('silent', silent.proc, new Writable({ write: (_chunk, _encoding, done) => done() }));
    } finally {
      if (previous === undefined) delete process.env.LOG_LEVEL;
      else process.env.LOG_LEVEL = previous;
    }
    silent.events.emit('uncaughtException', new Error('boom'));
    expect(silent.exits).toEqual([1]);
    expect(silent.stderr.join('')).toMatch(/^uncaughtException: Error: boom\n\s+at /);

    const broken = fakeProcess();
    process.env.LOG_LEVEL = 'info';
    try {
      exitOnUnhandled('broken', broken.proc, {
        write: () => {
          throw new Error('EPIPE');
        },
      });
    } finally {
      if (previous === undefined) delete process.env.LOG_LEVEL;
      else process.env.LOG_LEVEL = previous;
    }
    broken.events.emit('unhandledRejection', new Error('boom'));
    expect(broken.exits).toEqual([1]);
    expect(broken.stderr.join('')).toMatch(/^unhandledRejection: Error: boom\n/);
  });
});
