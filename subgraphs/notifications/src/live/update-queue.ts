import type { InboxUpdate } from '../model';

/** One member's updates as one open stream receives them. */
export interface InboxSubscription extends AsyncIterableIterator<InboxUpdate> {
  /** Resolves once updates published from now on are certain to arrive (on Redis: the channel is subscribed). */
  readonly ready: Promise<void>;
  /** Ends the subscription; a `next()` waiting resolves as done. */
  return(): Promise<IteratorResult<InboxUpdate>>;
}

const DONE: IteratorResult<InboxUpdate> = { done: true, value: undefined };

/**
 * A subscriber's updates not taken yet, at most `capacity`: beyond it the oldest go, since a client that fell behind
 * re-reads its inbox anyway. Ending it (by `return()` or the feed closing) answers a waiting `next()` at once, so a
 * stream whose client left lets go of the feed without waiting for another update.
 */
export class UpdateQueue implements InboxSubscription {
  private readonly buffer: InboxUpdate[] = [];
  private readonly waiting: ((result: IteratorResult<InboxUpdate>) => void)[] = [];
  private ended = false;

  constructor(
    readonly ready: Promise<void>,
    private readonly capacity: number,
    private readonly onEnd: () => void,
  ) {}

  /** Hands the update to a waiting reader, or buffers it. */
  push(update: InboxUpdate): void {
    if (this.ended) return;
    const reader = this.waiting.shift();
    if (reader) return reader({ done: false, value: update });
    this.buffer.push(update);
    if (this.buffer.length > this.capacity) this.buffer.shift();
  }

  next(): Promise<IteratorResult<InboxUpdate>> {
    const value = this.buffer.shift();
    if (value) return Promise.resolve({ done: false, value });
    if (this.ended) return Promise.resolve(DONE);
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  async return(): Promise<IteratorResult<InboxUpdate>> {
    this.end();
    return DONE;
  }

  /** Stops the subscription: buffered updates are dropped, readers get done, the feed forgets it. */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.buffer.length = 0;
    for (const reader of this.waiting.splice(0)) reader(DONE);
    this.onEnd();
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}
