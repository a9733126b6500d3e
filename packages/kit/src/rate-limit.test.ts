import { setTimeout as sleep } from 'node:timers/promises';
import { RateLimit } from './rate-limit';
import type { FastStore } from './redis';

const inProcess = (): FastStore => ({ kind: 'memory', namespace: 'test' });
const DAY = 24 * 3600;

describe('RateLimit on the in-process store', () => {
  it('keeps counting over a window longer than a Node timer can wait (a session-long count)', async () => {
    const limit = new RateLimit(inProcess(), { name: 'long', points: 2, windowSeconds: 30 * DAY, blockSeconds: 30 * DAY });
    await limit.record('session');
    await sleep(10);
    await limit.record('session');
    await sleep(10);
    expect(await limit.secondsBlocked('session')).toBeGreaterThan(20 * DAY);
  });

  it('lets checks that run at once take no more points than there are; refused ones count, succeeded ones are given back', async () => {
    const limit = new RateLimit(inProcess(), { name: 'take', points: 3, windowSeconds: 60, blockSeconds: 60 });
    const taken = await Promise.all(Array.from({ length: 5 }, () => limit.take('pair')));
    expect(taken.filter((t) => t.taken)).toEqual([
      { taken: true, left: 2 },
      { taken: true, left: 1 },
      { taken: true, left: 0 },
    ]);
    expect(taken.filter((t) => !t.taken)).toEqual([
      { taken: false, secondsBlocked: 60 },
      { taken: false, secondsBlocked: 60 },
    ]);
    expect(await limit.secondsBlocked('pair')).toBe(60);
    // The three checks succeeded; the two refused still count, below the allowance.
    for (let i = 0; i < 3; i++) await limit.giveBack('pair');
    expect(await limit.secondsBlocked('pair')).toBe(0);
    expect(await limit.take('pair')).toEqual({ taken: true, left: 0 });
  });
});
