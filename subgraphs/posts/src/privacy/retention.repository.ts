import type { SubgraphDatabase, Tx } from '@tunet/kit';
import { sql, type SQL } from 'drizzle-orm';
import { deleteFilesQueued, ERASED_COMMENT_BODY, query } from './privacy.repository';

async function removed(tx: Tx, statement: SQL): Promise<number> {
  return (await query(tx, statement)).length;
}

/**
 * Removes, across associations, posts, comments and documents deleted before `cutoff`, with what hangs on them
 * (comments and reactions of a post, a comment's edits and reactions, a document's versions, and their files), in
 * one transaction; the files' stored objects are queued in posts.file_deletions. A comment others still reply to
 * keeps its place for them, but loses its text and earlier texts as an erased one does. Returns the rows per table.
 */
export function purgeSoftDeleted(db: SubgraphDatabase, cutoff: Date): Promise<Record<string, number>> {
  return db.system(async (tx) => {
    const before = cutoff.toISOString();
    const posts = sql`select association_id, id from posts.posts where deleted_at < ${before}::timestamptz`;
    // Replies first, so a thread's root whose replies are all due goes in the same run.
    const replies = sql`select association_id, id from posts.comments where deleted_at < ${before}::timestamptz and parent_id is not null`;
    const roots = sql`select c.association_id, c.id from posts.comments c where c.deleted_at < ${before}::timestamptz and c.parent_id is null
                      and not exists (select 1 from posts.comments r where r.association_id = c.association_id and r.parent_id = c.id)`;
    const documents = sql`select association_id, id from posts.documents where deleted_at < ${before}::timestamptz`;
    const answered = sql`select c.association_id, c.id from posts.comments c where c.deleted_at < ${before}::timestamptz and c.parent_id is null
                         and exists (select 1 from posts.comments r where r.association_id = c.association_id and r.parent_id = c.id)`;
    const counts = { reactions: 0, comments: 0, comment_edits: 0, comment_texts: 0, posts: 0, document_versions: 0, documents: 0, files: 0 };
    const deleteFiles = async (where: SQL) => {
      counts.files += await deleteFilesQueued(tx, where);
    };

    counts.reactions += await removed(
      tx,
      sql`delete from posts.reactions where ((target_type = 'POST' and (association_id, target_id) in (${posts}))
          or (target_type = 'COMMENT' and (association_id, target_id) in
              (select association_id, id from posts.comments where (association_id, post_id) in (${posts})))) returning 1`,
    );
    counts.comments += await removed(tx, sql`delete from posts.comments where (association_id, post_id) in (${posts}) returning 1`);
    await deleteFiles(sql`(association_id, post_id) in (${posts})`);
    counts.posts += await removed(tx, sql`delete from posts.posts where (association_id, id) in (${posts}) returning 1`);

    for (const due of [replies, roots]) {
      counts.reactions += await removed(
        tx,
        sql`delete from posts.reactions where target_type = 'COMMENT' and (association_id, target_id) in (${due}) returning 1`,
      );
      counts.comments += await removed(tx, sql`delete from posts.comments where (association_id, id) in (${due}) returning 1`);
    }

    counts.comment_edits += await removed(tx, sql`delete from posts.comment_edits where (association_id, comment_id) in (${answered}) returning 1`);
    counts.comment_texts += await removed(
      tx,
      sql`update posts.comments set body = ${ERASED_COMMENT_BODY} where (association_id, id) in (${answered}) and body <> ${ERASED_COMMENT_BODY} returning 1`,
    );

    const versionFiles = sql`select association_id, file_id from posts.document_versions where (association_id, document_id) in (${documents})`;
    const fileKeys = await query<{ association_id: string; file_id: string }>(tx, versionFiles);
    counts.document_versions += await removed(tx, sql`delete from posts.document_versions where (association_id, document_id) in (${documents}) returning 1`);
    for (const { association_id: associationId, file_id: fileId } of fileKeys) {
      await deleteFiles(sql`association_id = ${associationId}::uuid and id = ${fileId}::uuid`);
    }
    await deleteFiles(sql`(association_id, document_id) in (${documents})`);
    counts.documents += await removed(tx, sql`delete from posts.documents where (association_id, id) in (${documents}) returning 1`);
    return counts;
  });
}

/** Stored objects still to delete, oldest first: one association's (after its erasure) or all (the retention job). */
export function pendingFileDeletions(db: SubgraphDatabase, associationId: string | null): Promise<{ associationId: string; key: string }[]> {
  return db.system((tx) =>
    query<{ associationId: string; key: string }>(
      tx,
      sql`select association_id as "associationId", storage_key as key from posts.file_deletions
          ${associationId ? sql`where association_id = ${associationId}` : sql``} order by queued_at`,
    ),
  );
}

/**
 * The object is gone from storage: forget its key. False when another pass (another replica) forgot it first, so
 * only one pass counts the object.
 */
export async function fileDeleted(db: SubgraphDatabase, associationId: string, key: string): Promise<boolean> {
  const forgotten = await db.system((tx) =>
    query<{ one: number }>(tx, sql`delete from posts.file_deletions where association_id = ${associationId} and storage_key = ${key} returning 1 as one`),
  );
  return forgotten.length > 0;
}
