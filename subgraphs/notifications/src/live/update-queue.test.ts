import type { InboxUpdate } from '../model';
import { UpdateQueue } from './update-queue';

const update = (i: number): InboxUpdate => ({ notificationId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}` });

describe('a subscriber queue', () => {
  it('hands updates over in order, buffered or awaited', async () => {
    const queue = new UpdateQueue(Promise.resolve(), 10, () => undefined);
    const waiting = queue.next();
    queue.push(update(1));
    queue.push(update(2));

    expect(await waiting).toEqual({ done: false, value: update(1) });
    expect(await queue.next()).toEqual({ done: false, value: update(2) });
  });

  it('keeps only the newest updates when the reader falls behind', async () => {
    const queue = new UpdateQueue(Promise.resolve(), 3, () => undefined);
    for (let i = 1; i <= 5; i++) queue.push(update(i));

    const read = [await queue.next(), await queue.next(), await queue.next()].map((result) => result.value);
    expect(read).toEqual([update(3), update(4), update(5)]);
  });

  it('drops what is buffered when it ends, and takes nothing afterwards', async () => {
    const queue = new UpdateQueue(Promise.resolve(), 10, () => undefined);
    queue.push(update(1));

    queue.end();
    queue.push(update(2));

    expect(await queue.next()).toEqual({ done: true, value: undefined });
  });

  it('answers a waiting reader at once when it is returned, and tells the feed once', async () => {
    const ended = jest.fn();
    const queue = new UpdateQueue(Promise.resolve(), 10, ended);
    const waiting = queue.next();

    await queue.return();
    await queue.return();

    expect(await waiting).toEqual({ done: true, value: undefined });
    expect(ended).toHaveBeenCalledTimes(1);
  });
});
