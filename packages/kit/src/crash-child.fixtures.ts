import { exitOnUnhandled } from './crash';

/** Run as a child process by crash.test.ts: a promise rejected with nobody to handle it. */
exitOnUnhandled('crash-child');
setTimeout(() => void Promise.reject(new Error('Connection is closed.')), 10);
