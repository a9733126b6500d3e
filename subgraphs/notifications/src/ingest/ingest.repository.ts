import type { ContentKind, SubgraphDatabase } from '@tunet/kit';
import { eq, sql } from 'drizzle-orm';
import { closedAssociations, deliveries, notifications } from '../tables';
import { closureLock } from '../closures/closures.repository';
import { erasedAmong } from '../privacy/erased-recipients.repository';
import type { Category, DeliveryChannel, DeliveryHold, DeliveryStatus, Locale, RecipientKey } from '../model';

/** A notification to store, with the deliveries that go with it. */
export interface NewNotification {
  id: string;
  eventId: string;
  recipient: RecipientKey;
  memberId: string | null;
  topic: string;
  category: Category;
  important: boolean;
  locale: Locale;
  title: string;
  body: string;
  link: string | null;
  subjectType: string | null;
  subjectId: string | null;
  /** Whose content it is about (docs/decisions/0036); absent for none. */
  contentKind?: ContentKind | null;
  contentAuthorId?: string | null;
  shown: boolean;
  deliveries: NewDelivery[];
}

/** One channel's delivery of a new notification: queued (perhaps held), or failed before any attempt. */
export interface NewDelivery {
  id: string;
  channel: DeliveryChannel;
  address: string | null;
  status: Extract<DeliveryStatus, 'queued' | 'failed'>;
  heldFor: DeliveryHold | null;
  /** When held: when the hold ends. Otherwise due at once. */
  nextAttemptAt?: Date;
  lastError?: string;
}

/** What storing an event added: only rows that were not there before. */
export interface StoredEvent {
  /** The new notifications that the inbox shows, for the live feed. */
  shown: { id: string; memberId: string }[];
  notifications: number;
  deliveries: { status: 'queued' | 'failed'; heldFor: DeliveryHold | null }[];
}

// Rows per statement: bounds a statement's size (bodies run to 5 000 characters), not its parameters.
const CHUNK = 1_000;

/** The only code that writes what an event becomes. Every call names its tenant. */
/**
 * What a terminated association is still told: its full export is ready, with the protected link its board has
 * three months to use (decisions 0034 and 0037). Everything else stops at the closure.
 */
const AFTER_CLOSURE_TOPICS: ReadonlySet<string> = new Set(['association.export_ready']);

export class IngestRepository {
  constructor(private readonly db: SubgraphDatabase) {}

  /**
   * Stores an event's notifications and their deliveries in one transaction. A notification whose
   * (event, recipient) is stored already — the event redelivered, or handled meanwhile by another consumer — is
   * skipped with its deliveries, so handling an event twice stores it once. Nothing is stored for an association
   * whose agreement has ended (closures/), but the few messages meant for after its end (AFTER_CLOSURE_TOPICS).
   *
   * The rows travel as one JSON parameter per statement rather than as a VALUES list: Drizzle takes over half a
   * second to build a thousand-row VALUES list of fifteen columns, which a notice to every resident would pay.
   */
  store(tenant: string, staged: readonly NewNotification[]): Promise<StoredEvent> {
    return this.db.tenant(tenant, async (tx) => {
      // Shared with other stores, exclusive with the association's closure: nothing is stored once it is closed,
      // and a closure waits for the stores under way, whose deliveries it then withholds.
      await tx.execute(sql`select pg_advisory_xact_lock_shared(hashtext(${closureLock(tenant)}))`);
      const closed = await tx.select({ id: closedAssociations.associationId }).from(closedAssociations).where(eq(closedAssociations.associationId, tenant));
      if (closed.length > 0 && !staged.every((row) => AFTER_CLOSURE_TOPICS.has(row.topic))) return { shown: [], notifications: 0, deliveries: [] };
      // Erased members are dropped here, in the transaction, so an erasure cannot slip between the check and the insert.
      const erased = await erasedAmong(tx, tenant, [...new Set(staged.flatMap((row) => (row.memberId ? [row.memberId] : [])))]);
      const toStore = staged.filter((row) => !row.memberId || !erased.has(row.memberId));
      const inserted = new Set<string>();
      const shown: StoredEvent['shown'] = [];
      for (const chunk of chunks(toStore, CHUNK)) {
        const rows = chunk.map((row) => ({
          id: row.id,
          event_id: row.eventId,
          recipient: row.recipient,
          member_id: row.memberId,
          topic: row.topic,
          category: row.category,
          important: row.important,
          locale: row.locale,
          title: row.title,
          body: row.body,
          link: row.link,
          subject_type: row.subjectType,
          subject_id: row.subjectId,
          content_kind: row.contentKind ?? null,
          content_author_id: row.contentAuthorId ?? null,
          shown: row.shown,
        }));
        const result = await tx.execute(sql`
          insert into ${notifications} (association_id, id, event_id, recipient, member_id, topic, category, important, locale, title, body, link, subject_type, subject_id, content_kind, content_author_id, shown)
          select ${tenant}::uuid, r.id, r.event_id, r.recipient, r.member_id, r.topic, r.category, r.important, r.locale, r.title, r.body, r.link, r.subject_type, r.subject_id, r.content_kind, r.content_author_id, r.shown
          from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as r(
            id uuid, event_id uuid, recipient text, member_id uuid, topic text, category text, important boolean, locale text,
            title text, body text, link text, subject_type text, subject_id uuid, content_kind text, content_author_id uuid, shown boolean
          )
          on conflict do nothing
          returning id, member_id, shown`);
        for (const row of rowsOf<{ id: string; member_id: string | null; shown: boolean }>(result)) {
          inserted.add(row.id);
          if (row.shown && row.member_id) shown.push({ id: row.id, memberId: row.member_id });
        }
      }
      const queued = toStore
        .filter((notification) => inserted.has(notification.id))
        .flatMap((notification) => notification.deliveries.map((delivery) => ({ ...delivery, notificationId: notification.id })));
      const stored: StoredEvent['deliveries'] = [];
      for (const chunk of chunks(queued, CHUNK)) {
        const rows = chunk.map((row) => ({
          id: row.id,
          notification_id: row.notificationId,
          channel: row.channel,
          address: row.address,
          status: row.status,
          held_for: row.heldFor,
          next_attempt_at: row.nextAttemptAt?.toISOString() ?? null,
          last_error: row.lastError ?? null,
        }));
        // A delivery due now waits for nothing: the database's clock, which the dispatcher compares with, says when.
        const result = await tx.execute(sql`
          insert into ${deliveries} (association_id, id, notification_id, channel, address, status, held_for, next_attempt_at, last_error)
          select ${tenant}::uuid, r.id, r.notification_id, r.channel, r.address, r.status, r.held_for, coalesce(r.next_attempt_at, now()), r.last_error
          from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as r(
            id uuid, notification_id uuid, channel text, address text, status text, held_for text, next_attempt_at timestamptz, last_error text
          )
          on conflict do nothing
          returning status, held_for`);
        for (const row of rowsOf<{ status: DeliveryStatus; held_for: DeliveryHold | null }>(result)) {
          stored.push({ status: row.status === 'failed' ? 'failed' : 'queued', heldFor: row.held_for });
        }
      }
      return { shown, notifications: inserted.size, deliveries: stored };
    });
  }
}

/** The rows of a raw statement's result; node-postgres and PGlite both answer `{ rows }`. */
function rowsOf<T>(result: unknown): T[] {
  return (result as { rows: T[] }).rows;
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const result: T[][] = [];
  for (let start = 0; start < items.length; start += size) result.push(items.slice(start, start + size));
  return result;
}
