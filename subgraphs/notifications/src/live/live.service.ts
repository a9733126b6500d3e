import { forbidden, unauthenticated, type MemberViewer, type Viewer } from '@tunet/kit';
import { mayStreamInbox } from './live.access';
import type { InboxSubscription, LiveInboxFeed } from './inbox-feed';
import type { InboxSnapshot, LiveRepository } from './live.repository';

/** The live inbox: who may follow it, and what each change of it shows. */
export class LiveService {
  constructor(
    private readonly feed: LiveInboxFeed,
    private readonly repository: LiveRepository,
  ) {}

  /** The viewer as a member with an inbox; UNAUTHENTICATED without a login, FORBIDDEN for API keys and admins without a membership. */
  streamer(viewer: Viewer | null): MemberViewer {
    if (!viewer) throw unauthenticated('Log in to follow your inbox.');
    if (!mayStreamInbox(viewer)) throw forbidden('Only members of an association have an inbox.');
    return viewer;
  }

  /**
   * The viewer's inbox as it changes: the unread count now, then each update with its notification (when the inbox
   * shows it) and the count afterwards. Runs until `return()`, which lets go of the feed at once.
   */
  inboxUpdates(viewer: Viewer | null): AsyncIterableIterator<InboxSnapshot> {
    const { associationId, memberId } = this.streamer(viewer);
    return new InboxUpdates(this.feed.subscribe(associationId, memberId), (notificationId) =>
      this.repository.snapshot(associationId, memberId, notificationId),
    );
  }
}

/**
 * Not an async generator: one waiting for the next update would only see `return()` once another update came, and
 * a stream whose client left would hold its subscription until then.
 */
class InboxUpdates implements AsyncIterableIterator<InboxSnapshot> {
  private started = false;

  constructor(
    private readonly subscription: InboxSubscription,
    private readonly read: (notificationId: string | null) => Promise<InboxSnapshot>,
  ) {}

  async next(): Promise<IteratorResult<InboxSnapshot>> {
    try {
      if (!this.started) {
        this.started = true;
        // Counted only once subscribed: an update in between is then counted twice at worst, never missed.
        await this.subscription.ready;
        return { done: false, value: await this.read(null) };
      }
      const update = await this.subscription.next();
      if (update.done) return { done: true, value: undefined };
      return { done: false, value: await this.read(update.value.notificationId) };
    } catch (error) {
      await this.subscription.return();
      throw error;
    }
  }

  async return(): Promise<IteratorResult<InboxSnapshot>> {
    await this.subscription.return();
    return { done: true, value: undefined };
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}
