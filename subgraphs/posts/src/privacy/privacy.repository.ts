import type { ContentKind, SubgraphDatabase, Tx } from '@tunet/kit';
import { sql, type SQL } from 'drizzle-orm';
import { PERSONAL_DATA } from './personal-data';

/** A stored file as its objects are keyed: `<association>/<file>/<variant>`, images with three variants. */
export interface StoredFile {
  associationId: string;
  id: string;
  width: number | null;
}

/** A file the person uploaded, as the export lists it. */
export interface UploadedFile {
  fileId: string;
  name: string;
  contentType: string;
  sizeBytes: number;
}

/** Rows changed per catalogue table (the person's own rows only), and of their files how many stay with kept content. */
export interface Erasure {
  counts: Record<string, number>;
  filesKept: number;
}

type Row = Record<string, unknown>;

/** Text that stands in for an erased comment that others replied to, so their replies keep their thread. */
export const ERASED_COMMENT_BODY = '[Slettet / Erased]';

/** Columns of a table that name the member a row is about: the ones export gives whole rows by. */
function subjectColumns(table: string): string[] {
  return PERSONAL_DATA[table]!.subject.filter((column) => column.endsWith('member_id'));
}

/**
 * Where a person acted on a row about someone else (deleted a neighbour's comment, let someone into a group), the
 * export says what they did and when, never that row: it is the other person's (GDPR art. 15(4)).
 */
const ACTED: Record<string, { column: string; key: string; action: string; at: string }> = {
  comments: { column: 'deleted_by_member_id', key: 'id', action: "'deleted'", at: 'deleted_at' },
  documents: { column: 'deleted_by_member_id', key: 'id', action: "'deleted'", at: 'deleted_at' },
  group_members: { column: 'added_by_member_id', key: 'group_id', action: "'added'", at: 'joined_at' },
  group_join_requests: { column: 'decided_by_member_id', key: 'id', action: 'decision', at: 'decided_at' },
  moderation_cases: { column: 'resolved_by_member_id', key: 'id', action: 'decision', at: 'resolved_at' },
};

/** Calendar feeds are exported without their nonce and token hash: those are credentials, not data about anyone. */
const SELECTED: Record<string, string> = { calendar_feeds: 'association_id, member_id, about, issued_at, valid_until' };

function t(table: string): SQL {
  return sql.raw(`posts.${table}`);
}

/** The rows a statement answers (both drivers answer `{ rows }`). */
export async function query<R = Row>(tx: Tx, statement: SQL): Promise<R[]> {
  const result: unknown = await tx.execute(statement);
  return (result as { rows: R[] }).rows;
}

/** The number of rows a `… returning 1` statement changed. */
async function changed(tx: Tx, statement: SQL): Promise<number> {
  return (await query(tx, statement)).length;
}

/**
 * Deletes the files rows `where` names and, in the same transaction, queues the storage keys of their objects in
 * posts.file_deletions (migration 0016), so bytes whose deletion fails after the commit are tried again, never lost.
 */
export async function deleteFilesQueued(tx: Tx, where: SQL): Promise<number> {
  const [result] = await query<{ n: number }>(
    tx,
    sql`with removed as (delete from posts.files where ${where} returning association_id, id, width),
        queued as (insert into posts.file_deletions (association_id, storage_key)
                   select r.association_id, r.association_id || '/' || r.id || '/' || v.variant from removed r
                   cross join lateral unnest(case when r.width is null then array['original'] else array['original', 'display', 'thumbnail'] end) as v(variant)
                   on conflict do nothing returning 1)
        select (select count(*) from removed)::int as n, (select count(*) from queued)::int as queued`,
  );
  return result!.n;
}

/** The only SQL of the privacy routes: what posts holds about a member or an association, and its erasure. */
export class PrivacyRepository {
  constructor(private readonly db: SubgraphDatabase) {}

  /** Every catalogue table's rows that name the member, in the association's tenant transaction. */
  exportMember(associationId: string, memberId: string): Promise<{ tables: Record<string, Row[]>; files: UploadedFile[] }> {
    return this.db.tenant(associationId, async (tx) => {
      const tables: Record<string, Row[]> = {};
      for (const table of Object.keys(PERSONAL_DATA)) {
        tables[table] = await query(tx, memberRowsOf(table, associationId, memberId));
        const acted = ACTED[table];
        if (acted) tables[table].push(...(await query(tx, actedRowsOf(table, acted, associationId, memberId))));
      }
      const files = await query<UploadedFile>(
        tx,
        sql`select id as "fileId", file_name as name, content_type as "contentType", size_bytes as "sizeBytes"
            from posts.files where association_id = ${associationId} and uploaded_by_member_id = ${memberId} order by created_at, id`,
      );
      return { tables, files };
    });
  }

  /** Every catalogue table's rows of the association, and all its files. */
  exportAssociation(associationId: string): Promise<{ tables: Record<string, Row[]>; files: UploadedFile[] }> {
    return this.db.tenant(associationId, async (tx) => {
      const tables: Record<string, Row[]> = {};
      for (const table of Object.keys(PERSONAL_DATA)) {
        tables[table] = await query(tx, sql`select ${sql.raw(SELECTED[table] ?? '*')} from ${t(table)} where association_id = ${associationId}`);
      }
      const files = await query<UploadedFile>(
        tx,
        sql`select id as "fileId", file_name as name, content_type as "contentType", size_bytes as "sizeBytes"
            from posts.files where association_id = ${associationId} order by created_at, id`,
      );
      return { tables, files };
    });
  }

  /** The file, when the member (or, without one, anybody) uploaded it in the association; null for any other. */
  uploadedFile(associationId: string, memberId: string | null, fileId: string): Promise<(StoredFile & { contentType: string }) | null> {
    return this.db.tenant(associationId, async (tx) => {
      const [file] = await query<StoredFile & { contentType: string }>(
        tx,
        sql`select association_id as "associationId", id, width, content_type as "contentType" from posts.files
            where association_id = ${associationId} and id = ${fileId} ${memberId ? sql`and uploaded_by_member_id = ${memberId}` : sql``}`,
      );
      return file ?? null;
    });
  }

  /** Events still ahead where the member holds an active sign-up (confirmed or waitlisted). */
  async upcomingSignups(associationId: string, memberId: string, now: Date): Promise<string[]> {
    const rows = await this.db.tenant(associationId, (tx) =>
      query<{ event_id: string }>(
        tx,
        sql`select s.event_id from posts.event_signups s join posts.events e on e.association_id = s.association_id and e.id = s.event_id
            where s.association_id = ${associationId} and s.member_id = ${memberId} and s.status <> 'cancelled'
              and e.starts_at > ${now.toISOString()}::timestamptz`,
      ),
    );
    return rows.map((row) => row.event_id);
  }

  /**
   * Erases the member in one tenant transaction (decision 0036): content of the kinds in `keep` is re-attributed to
   * `tombstone`, other content is deleted (with what hangs on it), their reactions, reads, sign-ups, memberships,
   * reports, acceptances and feeds are deleted, and records that name them as the one who acted name the tombstone
   * (or nobody, where the column may be empty). A second call finds nothing to change.
   */
  eraseMember(associationId: string, memberId: string, keep: readonly ContentKind[], tombstone: string): Promise<Erasure> {
    return this.db.tenant(associationId, (tx) => new MemberEraser(tx, associationId, memberId, tombstone).erase(new Set(keep)));
  }

  /** Deletes every row of the association, in the order the foreign keys need. */
  eraseAssociation(associationId: string): Promise<Erasure> {
    return this.db.tenant(associationId, async (tx) => {
      const counts: Record<string, number> = {};
      const a = associationId;
      const del = async (table: string) => {
        counts[table] = (counts[table] ?? 0) + (await changed(tx, sql`delete from ${t(table)} where association_id = ${a} returning 1`));
      };
      for (const table of ['reactions', 'comment_edits', 'comments', 'post_reads', 'moderation_actions', 'moderation_reports', 'moderation_cases']) {
        await del(table);
      }
      for (const table of ['moderation_settings', 'event_signups', 'events', 'document_versions']) await del(table);
      counts.files = await deleteFilesQueued(tx, sql`association_id = ${a}`);
      for (const table of ['documents', 'document_folders', 'posts', 'group_join_requests', 'group_members', 'groups']) await del(table);
      for (const table of ['conduct_acceptances', 'conduct_versions', 'file_settings', 'calendar_feeds']) await del(table);
      return { counts, filesKept: 0 };
    });
  }
}

/** The member's rows of one table: where any column naming a member names them (and, for edits, their comments'). */
function memberRowsOf(table: string, a: string, m: string): SQL {
  const select = sql.raw(SELECTED[table] ?? '*');
  if (table === 'comment_edits') {
    return sql`select e.* from posts.comment_edits e join posts.comments c on c.association_id = e.association_id and c.id = e.comment_id
               where e.association_id = ${a} and c.author_member_id = ${m} order by e.replaced_at`;
  }
  const named = sql.join(
    subjectColumns(table).map((column) => sql`${sql.raw(column)} = ${m}`),
    sql` or `,
  );
  if (table === 'moderation_actions') {
    // Moderation of what they wrote is about them too, whoever acted.
    return sql`select * from posts.moderation_actions where association_id = ${a} and (${named}
               or (target_type = 'POST' and target_id in (select id from posts.posts where association_id = ${a} and author_member_id = ${m}))
               or (target_type = 'COMMENT' and target_id in (select id from posts.comments where association_id = ${a} and author_member_id = ${m})))`;
  }
  return sql`select ${select} from ${t(table)} where association_id = ${a} and (${named})`;
}

/** What the member did on rows about others: the row's key, the action and when. */
function actedRowsOf(table: string, acted: (typeof ACTED)[string], a: string, m: string): SQL {
  const subject = sql.join(
    subjectColumns(table).map((column) => sql`${sql.raw(column)} <> ${m}`),
    sql` and `,
  );
  return sql`select ${sql.raw(`${acted.key}, ${acted.action} as action, ${acted.at} as at`)} from ${t(table)}
             where association_id = ${a} and ${sql.raw(acted.column)} = ${m} and ${subject} order by ${sql.raw(acted.at)}`;
}

/** One member's erasure inside one transaction; see PrivacyRepository.eraseMember. */
class MemberEraser {
  private readonly counts: Record<string, number> = Object.fromEntries(Object.keys(PERSONAL_DATA).map((table) => [table, 0]));
  private filesKept = 0;

  constructor(
    private readonly tx: Tx,
    private readonly a: string,
    private readonly m: string,
    private readonly tombstone: string,
  ) {}

  async erase(keep: Set<ContentKind>): Promise<Erasure> {
    const { a, m } = this;
    if (keep.has('posts'))
      await this.count(
        'posts',
        sql`update posts.posts set author_member_id = ${this.tombstone} where association_id = ${a} and author_member_id = ${m} returning 1`,
      );
    else await this.deletePosts(sql`select id from posts.posts where association_id = ${a} and author_member_id = ${m}`);
    await this.eraseComments(keep.has('comments'));
    if (keep.has('events')) await this.reattribute('events', 'created_by_member_id');
    else {
      const theirs = sql`select id from posts.events where association_id = ${a} and created_by_member_id = ${m}`;
      await this.count('event_signups', sql`delete from posts.event_signups where association_id = ${a} and event_id in (${theirs}) returning 1`);
      await this.count('events', sql`delete from posts.events where association_id = ${a} and id in (${theirs}) returning 1`);
    }
    await this.deleteOwn('event_signups', 'member_id');
    await this.eraseDocuments(keep.has('documents'));
    // Their remaining uploads: one in a post or document that stays is that content's and goes with it; one never used is deleted.
    this.filesKept = await changed(
      this.tx,
      sql`update posts.files set uploaded_by_member_id = ${this.tombstone} where association_id = ${a} and uploaded_by_member_id = ${m} and (post_id is not null or document_id is not null) returning 1`,
    );
    this.counts.files = (this.counts.files ?? 0) + this.filesKept;
    await this.deleteFiles(sql`uploaded_by_member_id = ${m}`);
    for (const [table, column] of [
      ['reactions', 'member_id'],
      ['post_reads', 'member_id'],
      ['group_members', 'member_id'],
      ['group_join_requests', 'member_id'],
    ] as const) {
      await this.deleteOwn(table, column);
    }
    await this.deleteOwn('moderation_reports', 'reporter_member_id');
    await this.deleteOwn('conduct_acceptances', 'member_id');
    await this.deleteOwn('calendar_feeds', 'member_id');
    // Where they acted on another's row, the row is that person's: changed, but not counted as theirs.
    await this.clear('group_members', 'added_by_member_id');
    await this.clear('group_join_requests', 'decided_by_member_id');
    for (const [table, column] of [
      ['groups', 'created_by_member_id'],
      ['document_folders', 'created_by_member_id'],
      ['file_settings', 'updated_by_member_id'],
      ['moderation_settings', 'updated_by_member_id'],
      ['conduct_versions', 'published_by_member_id'],
      ['moderation_cases', 'author_member_id'],
      ['moderation_actions', 'actor_member_id'],
    ] as const) {
      await this.reattribute(table, column);
    }
    for (const [table, column] of [
      ['moderation_cases', 'resolved_by_member_id'],
      ['comments', 'deleted_by_member_id'],
      ['documents', 'deleted_by_member_id'],
    ] as const) {
      await this.tx.execute(sql`update ${t(table)} set ${sql.raw(column)} = ${this.tombstone} where association_id = ${a} and ${sql.raw(column)} = ${m}`);
    }
    return { counts: this.counts, filesKept: this.filesKept };
  }

  /** Deletes posts with everything that hangs on them: others' comments and reactions, reads, attachments. */
  private async deletePosts(ids: SQL): Promise<void> {
    const { a } = this;
    await this.count(
      'reactions',
      sql`delete from posts.reactions where association_id = ${a} and ((target_type = 'POST' and target_id in (${ids}))
          or (target_type = 'COMMENT' and target_id in (select id from posts.comments where association_id = ${a} and post_id in (${ids})))) returning 1`,
    );
    await this.count('comments', sql`delete from posts.comments where association_id = ${a} and post_id in (${ids}) returning 1`);
    await this.deleteFiles(sql`post_id in (${ids})`);
    await this.count('posts', sql`delete from posts.posts where association_id = ${a} and id in (${ids}) returning 1`);
  }

  /**
   * Earlier texts of their comments go in every case: kept content keeps the words it shows now, not the ones its
   * author took back. A comment that is not kept is deleted, unless others replied to it: then its text is replaced
   * and it is marked deleted, so the replies keep their thread, and retention removes it with its last reply.
   */
  private async eraseComments(kept: boolean): Promise<void> {
    const { a, m } = this;
    const theirs = sql`select id from posts.comments where association_id = ${a} and author_member_id = ${m}`;
    await this.count('comment_edits', sql`delete from posts.comment_edits where association_id = ${a} and comment_id in (${theirs}) returning 1`);
    if (kept) return this.reattribute('comments', 'author_member_id');
    const leaves = sql`select c.id from posts.comments c where c.association_id = ${a} and c.author_member_id = ${m}
                       and not exists (select 1 from posts.comments r where r.association_id = c.association_id and r.parent_id = c.id)`;
    await this.count(
      'reactions',
      sql`delete from posts.reactions where association_id = ${a} and target_type = 'COMMENT' and target_id in (${leaves}) returning 1`,
    );
    await this.count('comments', sql`delete from posts.comments where association_id = ${a} and id in (${leaves}) returning 1`);
    await this.count(
      'comments',
      sql`update posts.comments set author_member_id = ${this.tombstone}, body = ${ERASED_COMMENT_BODY}, deleted_at = coalesce(deleted_at, now())
          where association_id = ${a} and author_member_id = ${m} returning 1`,
    );
  }

  /** Documents they created, and versions they added to others' documents, with their files; or kept under the tombstone. */
  private async eraseDocuments(kept: boolean): Promise<void> {
    const { a, m } = this;
    if (kept) {
      await this.reattribute('documents', 'created_by_member_id');
      return this.reattribute('document_versions', 'uploaded_by_member_id');
    }
    const documents = sql`select id from posts.documents where association_id = ${a} and created_by_member_id = ${m}`;
    const versions = sql`select id from posts.document_versions where association_id = ${a} and (uploaded_by_member_id = ${m} or document_id in (${documents}))`;
    const versionFiles = (await query(this.tx, sql`select file_id from posts.document_versions where id in (${versions})`)).map((row) => String(row.file_id));
    await this.count('document_versions', sql`delete from posts.document_versions where association_id = ${a} and id in (${versions}) returning 1`);
    if (versionFiles.length > 0)
      await this.deleteFiles(
        sql`id in (${sql.join(
          versionFiles.map((id) => sql`${id}::uuid`),
          sql`, `,
        )})`,
      );
    await this.deleteFiles(sql`document_id in (${documents})`);
    await this.count('documents', sql`delete from posts.documents where association_id = ${a} and id in (${documents}) returning 1`);
  }

  private async deleteFiles(where: SQL): Promise<void> {
    this.counts.files = (this.counts.files ?? 0) + (await deleteFilesQueued(this.tx, sql`association_id = ${this.a} and ${where}`));
  }

  private deleteOwn(table: string, column: string): Promise<void> {
    return this.count(table, sql`delete from ${t(table)} where association_id = ${this.a} and ${sql.raw(column)} = ${this.m} returning 1`);
  }

  private reattribute(table: string, column: string): Promise<void> {
    return this.count(
      table,
      sql`update ${t(table)} set ${sql.raw(column)} = ${this.tombstone} where association_id = ${this.a} and ${sql.raw(column)} = ${this.m} returning 1`,
    );
  }

  /** Empties a nullable column that names who acted, where nobody is a fair answer ("added by", "decided by"). */
  private async clear(table: string, column: string): Promise<void> {
    await this.tx.execute(sql`update ${t(table)} set ${sql.raw(column)} = null where association_id = ${this.a} and ${sql.raw(column)} = ${this.m}`);
  }

  private async count(table: string, statement: SQL): Promise<void> {
    this.counts[table] = (this.counts[table] ?? 0) + (await changed(this.tx, statement));
  }
}
