import { InternalRouteError, type ErasurePolicy, type SubgraphDatabase, type Tx } from '@tunet/kit';
import { sql, type SQL } from 'drizzle-orm';
import { carriesSecret } from '../rules/secret-links.rules';
import { erasedMemberHash } from './erased-member-hash';
import { PERSONAL_DATA } from './personal-data';

export type Rows = Record<string, unknown>[];
export type Counts = Record<string, number>;

/**
 * A push device as an export shows it: which push service and device, never the endpoint, token or keys, which
 * let anyone holding the archive push to the device (the person sees them in the app's device list).
 */
const DEVICE_COLUMNS = sql.raw(`id, kind, device_name, created_at, last_used_at,
  case when kind = 'web' then substring(address from '^https://([^/]+)') else '…' || right(address, 6) end as push_service`);

const rowsOf = async (tx: Tx, query: SQL): Promise<Rows> => ((await tx.execute(query)) as { rows: Rows }).rows;

/**
 * The only SQL of notifications' privacy routes (docs/decisions/0036), in the association's tenant scope, so a
 * member id of another association finds nothing.
 */
export class PrivacyRepository {
  constructor(private readonly db: SubgraphDatabase) {}

  exportMember(associationId: string, memberId: string): Promise<Record<string, Rows>> {
    return this.db.tenant(associationId, async (tx) => {
      const ids = await notificationIdsOf(tx, associationId, memberId);
      const byMember = (table: string, columns = sql.raw('*')) =>
        rowsOf(tx, sql`select ${columns} from notifications.${sql.identifier(table)} where association_id = ${associationId} and member_id = ${memberId}`);
      return {
        // A link holding a one-time token stays out: the address it went to may be shared (decision 0046).
        notifications: (
          await rowsOf(
            tx,
            sql`select * from notifications.notifications where association_id = ${associationId} and id = any(${uuids(ids)}) order by created_at`,
          )
        ).map((row) => (carriesSecret(String(row.topic)) ? { ...row, link: null } : row)),
        deliveries: await rowsOf(
          tx,
          sql`select * from notifications.deliveries where association_id = ${associationId} and notification_id = any(${uuids(ids)}) order by created_at`,
        ),
        delivery_attempts: await rowsOf(
          tx,
          sql`select a.* from notifications.delivery_attempts a join notifications.deliveries d on d.association_id = a.association_id and d.id = a.delivery_id
              where d.association_id = ${associationId} and d.notification_id = any(${uuids(ids)}) order by a.at`,
        ),
        person_settings: await byMember('person_settings'),
        preferences: await byMember('preferences'),
        preference_log: await byMember('preference_log'),
        push_devices: await byMember('push_devices', DEVICE_COLUMNS),
      };
    });
  }

  /**
   * Deletes everything about the person in one transaction: notifications with their deliveries (so nothing queued
   * is sent) and attempts, settings, choices and push devices (so no push reaches them). Unsubscribe links then find
   * no notification of theirs and stop working. Other residents' notices of the person's content (a post's title
   * and excerpt) go too, unless the association keeps that kind of content: then they name the tombstone instead.
   * A second call finds nothing.
   */
  eraseMember(associationId: string, memberId: string, policy: Pick<ErasurePolicy, 'keepContent' | 'tombstoneMemberId'>): Promise<Counts> {
    return this.db.tenant(associationId, async (tx) => {
      const kept = sql`${sql.param([...policy.keepContent])}::text[]`;
      const aboutTheirContent = await rowsOf(
        tx,
        sql`select id from notifications.notifications
            where association_id = ${associationId} and content_author_id = ${memberId} and not (content_kind = any(${kept}))`,
      );
      const ids = [...new Set([...(await notificationIdsOf(tx, associationId, memberId)), ...aboutTheirContent.map((row) => row.id as string)])];
      await tx.execute(
        sql`update notifications.notifications set content_author_id = ${policy.tombstoneMemberId}
            where association_id = ${associationId} and content_author_id = ${memberId} and content_kind = any(${kept})`,
      );
      const counts = await countsOf(tx, associationId, ids);
      await tx.execute(sql`delete from notifications.notifications where association_id = ${associationId} and id = any(${uuids(ids)})`);
      for (const table of ['person_settings', 'preferences', 'preference_log', 'push_devices']) {
        counts[table] = (
          await rowsOf(
            tx,
            sql`delete from notifications.${sql.identifier(table)} where association_id = ${associationId} and member_id = ${memberId} returning 1`,
          )
        ).length;
      }
      await tx.execute(
        sql`insert into notifications.erased_recipients (association_id, member_hash) values (${associationId}, ${erasedMemberHash(associationId, memberId)})
            on conflict do nothing`,
      );
      return counts;
    });
  }

  /** Every row of the association, push devices without their secrets. */
  exportAssociation(associationId: string): Promise<Record<string, Rows>> {
    return this.db.tenant(associationId, async (tx) => {
      const tables: Record<string, Rows> = {};
      for (const table of Object.keys(PERSONAL_DATA)) {
        const columns = table === 'push_devices' ? DEVICE_COLUMNS : sql.raw('*');
        tables[table] = await rowsOf(tx, sql`select ${columns} from notifications.${sql.identifier(table)} where association_id = ${associationId}`);
      }
      return tables;
    });
  }

  /**
   * Deletes every row of a closed association; its closure (no personal data) stays, so nothing more is stored for
   * it. A live association is refused (409): the route is for a terminated association only.
   */
  eraseAssociation(associationId: string): Promise<Counts> {
    return this.db.tenant(associationId, async (tx) => {
      const closed = await rowsOf(tx, sql`select 1 from notifications.closed_associations where association_id = ${associationId}`);
      if (closed.length === 0) throw new InternalRouteError(409, 'The association is not closed: only a terminated association is erased whole.');
      const counts: Counts = {};
      // Children first, so each table's count is its own rows rather than vanishing in a cascade.
      for (const table of ['delivery_attempts', 'deliveries', 'notifications', 'person_settings', 'preferences', 'preference_log', 'push_devices']) {
        counts[table] = (await rowsOf(tx, sql`delete from notifications.${sql.identifier(table)} where association_id = ${associationId} returning 1`)).length;
      }
      await tx.execute(sql`delete from notifications.erased_recipients where association_id = ${associationId}`);
      return counts;
    });
  }
}

const uuids = (ids: readonly string[]) => sql`${sql.param([...ids])}::uuid[]`;

/**
 * Messages to an address alone that are the person's own when the address is one of theirs: their invitation and
 * their address change. Other address-only messages (the association's contact address, which a board member's
 * or a household's address may share) belong to whoever else reads that address.
 */
const PERSONAL_ADDRESS_TOPICS = ['member.invited', 'account.email_change_requested', 'account.password_reset_requested'];

/**
 * The person's notifications: those to them as a member, and those to an address one of their own e-mails went to
 * (an invitation, an address change to confirm), which name no member.
 */
async function notificationIdsOf(tx: Tx, associationId: string, memberId: string): Promise<string[]> {
  const rows = await rowsOf(
    tx,
    sql`select id from notifications.notifications
        where association_id = ${associationId}
          and (member_id = ${memberId}
               or topic = any(${sql.param(PERSONAL_ADDRESS_TOPICS)}::text[]) and recipient in (select 'email:' || lower(d.address) from notifications.deliveries d
                                join notifications.notifications n on n.association_id = d.association_id and n.id = d.notification_id
                                where n.association_id = ${associationId} and n.member_id = ${memberId} and d.channel = 'email' and d.address is not null))`,
  );
  return rows.map((row) => row.id as string);
}

async function countsOf(tx: Tx, associationId: string, ids: readonly string[]): Promise<Counts> {
  const [row] = await rowsOf(
    tx,
    sql`select (select count(*) from notifications.deliveries where association_id = ${associationId} and notification_id = any(${uuids(ids)}))::int as deliveries,
               (select count(*) from notifications.delivery_attempts a join notifications.deliveries d on d.association_id = a.association_id and d.id = a.delivery_id
                where d.association_id = ${associationId} and d.notification_id = any(${uuids(ids)}))::int as delivery_attempts`,
  );
  return { notifications: ids.length, deliveries: Number(row!.deliveries), delivery_attempts: Number(row!.delivery_attempts) };
}
