import { randomUUID } from 'node:crypto';
import type { Event, SubgraphDatabase } from '@tunet/kit';
import { DevicesRepository } from '../devices/devices.repository';
import type { ChannelSender, Directory, InboxFeed, InboxUpdate, NotificationIntent } from '../model';
import { PreferencesRepository } from '../preferences/preferences.repository';
import { IngestRepository } from './ingest.repository';
import { IngestService } from './ingest.service';

/** An event as the stream delivers it; the payload does not matter to the ingest, only to the rules. */
export function eventIn(associationId: string, topic = 'post.published'): Event {
  return { eventId: randomUUID(), topic, associationId, occurredAt: new Date(), payload: {} };
}

/** A news intent (unless told otherwise) that renders `Nytt innlegg` / `New post`, counting its renders. */
export function intentFor(recipients: NotificationIntent['recipients'], rest: Partial<Omit<NotificationIntent, 'recipients'>> = {}) {
  const renders: string[] = [];
  const intent: NotificationIntent = {
    category: 'news',
    important: false,
    subject: { type: 'Post', id: randomUUID() },
    render: (locale, association) => {
      renders.push(locale);
      return locale === 'nb'
        ? { title: 'Nytt innlegg', body: `Styret i ${association.name} har skrevet et innlegg.`, link: '/posts/1' }
        : { title: 'New post', body: `The board of ${association.name} wrote a post.`, link: '/posts/1' };
    },
    recipients,
    ...rest,
  };
  return { intent, renders };
}

/** The topic `membersRule` understands. */
export const MEMBERS_TOPIC = 'comment.created';

/** Rules for the stream tests: an events-category message (inbox and e-mail) to the members the payload names. */
export function membersRule(event: Event): NotificationIntent[] {
  const memberIds = event.payload.recipients as string[];
  return [intentFor({ kind: 'members', memberIds }, { category: 'events' }).intent];
}

/** An event for `membersRule`, with a payload its topic's contract accepts. */
export function membersEvent(associationId: string, memberIds: readonly string[]): Event {
  return {
    ...eventIn(associationId, MEMBERS_TOPIC),
    payload: { postId: randomUUID(), commentId: randomUUID(), authorMemberId: randomUUID(), recipients: [...memberIds] },
  };
}

/** The live inbox as the ingest sees it: a list of what was published. */
export class RecordingFeed implements InboxFeed {
  readonly published: { associationId: string; memberId: string; update: InboxUpdate }[] = [];

  async publish(associationId: string, memberId: string, update: InboxUpdate): Promise<void> {
    this.published.push({ associationId, memberId, update });
  }

  subscribe(): AsyncIterableIterator<InboxUpdate> {
    throw new Error('the ingest only publishes');
  }

  async close(): Promise<void> {}
}

/** An ingest on the database with the given rules and senders, as subgraph.ts wires it. */
export function ingestOn(
  db: SubgraphDatabase,
  directory: Directory,
  intentsFor: (event: Event) => NotificationIntent[],
  extra: { senders: readonly ChannelSender[]; feed?: InboxFeed; now?: () => Date; onQueued?: () => void },
): IngestService {
  return new IngestService({
    directory,
    intentsFor,
    repository: new IngestRepository(db),
    preferences: new PreferencesRepository(db),
    devices: new DevicesRepository(db),
    senders: extra.senders,
    feed: extra.feed ?? new RecordingFeed(),
    now: extra.now,
    onQueued: extra.onQueued,
  });
}
