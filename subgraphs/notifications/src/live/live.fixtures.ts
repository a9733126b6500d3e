import { randomUUID } from 'node:crypto';
import type { SubgraphDatabase } from '@tunet/kit';
import { notifications, type NotificationRow } from '../tables';

/** Test helpers for the live inbox: inbox rows written directly, and event streams read the way a client reads them. */

/** The subscription a web client opens, with every field of the stream's notification. */
export const INBOX_SUBSCRIPTION = `subscription {
  inboxUpdated { unreadCount notification { id category important title body link subjectType subjectId createdAt readAt archivedAt } }
}`;

/** A notification in the member's inbox, as ingest would write it; `fields` override the defaults. */
export async function arrangeNotification(
  db: SubgraphDatabase,
  associationId: string,
  memberId: string,
  fields: Partial<Pick<NotificationRow, 'category' | 'important' | 'title' | 'shown' | 'readAt' | 'archivedAt' | 'link'>> = {},
): Promise<NotificationRow> {
  const [row] = await db.tenant(associationId, (tx) =>
    tx
      .insert(notifications)
      .values({
        associationId,
        id: randomUUID(),
        eventId: randomUUID(),
        recipient: `member:${memberId}`,
        memberId,
        topic: 'post.published',
        category: 'news',
        important: false,
        locale: 'nb',
        title: 'Dugnad lørdag',
        body: 'Vi møtes ved sandkassa klokka 10.',
        link: '/posts/dugnad',
        subjectType: 'Post',
        subjectId: randomUUID(),
        ...fields,
      })
      .returning(),
  );
  return row!;
}

/** One server-sent event: `next` (with an execution result) or `complete`. */
export interface StreamEvent {
  event: string;
  data: unknown;
}

/** A text/event-stream response read event by event; keep-alive comments are skipped. */
export class EventStreamReader {
  private buffer = '';
  private readonly decoder = new TextDecoder();
  private readonly reader: ReadableStreamDefaultReader<Uint8Array>;

  constructor(response: Response) {
    if (!response.body) throw new Error('the response has no body');
    this.reader = response.body.getReader();
  }

  /** The next event; null once the server ended the stream. Rejects when the connection broke off instead. */
  async next(): Promise<StreamEvent | null> {
    for (;;) {
      const end = this.buffer.indexOf('\n\n');
      if (end >= 0) {
        const lines = this.buffer.slice(0, end).split('\n');
        this.buffer = this.buffer.slice(end + 2);
        const event = lines
          .find((line) => line.startsWith('event:'))
          ?.slice(6)
          .trim();
        if (!event) continue;
        const data = lines
          .find((line) => line.startsWith('data:'))
          ?.slice(5)
          .trim();
        return { event, data: data ? JSON.parse(data) : null };
      }
      const { done, value } = await this.reader.read();
      if (done) return null;
      this.buffer += this.decoder.decode(value, { stream: true });
    }
  }
}

/** An inbox stream opened with fetch: its response, its events, and a way to hang up as a browser tab closing would. */
export interface OpenStream {
  response: Response;
  /** Null when the server answered with something else than a stream (a refusal). */
  events: EventStreamReader | null;
  close(): void;
}

/** POSTs a subscription with `Accept: text/event-stream`, as graphql-sse's client does in distinct connections mode. */
export async function openStream(url: string, headers: Record<string, string>, body: string): Promise<OpenStream> {
  const hangUp = new AbortController();
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream', ...headers },
    body,
    signal: hangUp.signal,
  });
  const isStream = response.headers.get('content-type')?.startsWith('text/event-stream') === true;
  return {
    response,
    events: isStream ? new EventStreamReader(response) : null,
    close: () => hangUp.abort(),
  };
}
