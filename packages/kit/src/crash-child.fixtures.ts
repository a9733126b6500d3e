import { exitOnUnhandled } from './crash';

/**
 * Run as a child process by crash.test.ts: a promise rejected with nobody to handle it, after CRASH_AFTER_MS (the
 * parent may close the child's stdout meanwhile).
 */
exitOnUnhandled('crash-child');
setTimeout(() => void Promise.reject(new Error('Connection is closed.')), Number(process.env.CRASH_AFTER_MS ?? 10));
