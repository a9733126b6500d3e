import { spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import path from 'node:path';
import { CRASH_MESSAGE, exitOnUnhandled } from './crash';

const CHILD = path.join(__dirname, 'crash-child.fixtures.ts');

/** Runs the crashing child; `closeStdout` closes the read end of its stdout before it crashes, as a dead log shipper. */
function runChild(closeStdout: boolean): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD], {
    env: { PATH: process.env.PATH, LOG_LEVEL: 'info', NODE_ENV: 'production', CRASH_AFTER_MS: closeStdout ? '300' : '10' },
  });
  let stdout = '';
  let stderr = '';
  if (closeStdout) child.stdout.destroy();
  else child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
}

/** A process that only emits its error events, and what was written to which file descriptor. */
function fakeProcess() {
  const events = new EventEmitter();
  const exits: number[] = [];
  const written: { fd: number; text: string }[] = [];
  return { events, exits, written, proc: { on: events.on.bind(events), exit: (code: number) => void exits.push(code) } };
}

describe('exitOnUnhandled', () => {
  it('writes an unhandled rejection as one fatal JSON line with its stack on stdout, then exits 1', async () => {
    const { code, stdout, stderr } = await runChild(false);
    expect(code).toBe(1);
    expect(stderr).toBe('');
    const lines = stdout
      .trim()
      .split('\n')
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

  it('writes the error to stderr when stdout is closed, and exits 1', async () => {
    const { code, stderr } = await runChild(true);
    expect(code).toBe(1);
    expect(stderr).toMatch(/^unhandledRejection: Error: Connection is closed\.\n\s+at /);
  });

  it('writes the error to stderr when logging is off, and exits 1 though nothing can be written', () => {
    const previous = process.env.LOG_LEVEL;
    const silent = fakeProcess();
    const mute = fakeProcess();
    process.env.LOG_LEVEL = 'silent';
    try {
      exitOnUnhandled('silent', silent.proc, (fd, text) => silent.written.push({ fd, text }));
      exitOnUnhandled('mute', mute.proc, () => {
        throw new Error('EPIPE');
      });
    } finally {
      if (previous === undefined) delete process.env.LOG_LEVEL;
      else process.env.LOG_LEVEL = previous;
    }
    silent.events.emit('uncaughtException', new Error('boom'));
    expect(silent.exits).toEqual([1]);
    expect(silent.written).toEqual([{ fd: 2, text: expect.stringMatching(/^uncaughtException: Error: boom\n\s+at /) }]);
    mute.events.emit('unhandledRejection', new Error('boom'));
    expect(mute.exits).toEqual([1]);
  });
});
