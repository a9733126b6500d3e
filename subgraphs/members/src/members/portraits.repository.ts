import { urlSigningKey, type Announcement, type SubgraphDatabase, type Tx } from '@tunet/kit';
import { and, eq, isNotNull, sql } from 'drizzle-orm';
import { members } from '../tables';
import { memberWithRoles, type MemberRow } from './members.repository';

const SIGNING_KEY = 'portrait-downloads';

export type PortraitType = NonNullable<MemberRow['portraitContentType']>;
/** A stored portrait: the file its bytes are stored under, and what they are. */
export interface StoredPortrait {
  associationId: string;
  fileId: string;
  contentType: PortraitType;
}

/**
 * Queues the stored bytes of the portrait of member `memberId` (null: of every member of the association) for deletion,
 * in the caller's transaction that replaces or deletes the rows naming them (decision 0047 review fix 2). The keys are
 * portraitKey's `<association>/<file>/<variant>` for each of PORTRAIT_VARIANTS.
 */
export async function queuePortraitDeletions(tx: Tx, associationId: string, memberId: string | null): Promise<void> {
  await tx.execute(
    sql`insert into members.file_deletions (association_id, storage_key)
        select m.association_id, m.association_id || '/' || m.portrait_file_id || '/' || v.variant
        from members.members m, unnest(array['display', 'thumbnail']) as v(variant)
        where m.association_id = ${associationId} and m.portrait_file_id is not null ${memberId ? sql`and m.id = ${memberId}` : sql``}
        on conflict do nothing`,
  );
}

/** The only SQL of uploaded portraits (docs/decisions/0047). Every call names its tenant, or says why not. */
export class PortraitsRepository {
  constructor(private readonly db: SubgraphDatabase) {}

  /** The deployment's portrait-link signing key, created by whichever process asks first (system scope: no tenant's). */
  signingKey(): Promise<Buffer> {
    return urlSigningKey(this.db, SIGNING_KEY);
  }

  /**
   * Gives the member `portrait` (null: none), clearing any typed portrait address, under the member's row lock, so
   * of two uploads at once each learns the file it replaced and no stored bytes are left unnamed. Events `announce`
   * derives go into the outbox in the same transaction. Null when the member is gone.
   */
  replace(
    associationId: string,
    memberId: string,
    portrait: { fileId: string; contentType: PortraitType } | null,
    announce: (member: MemberRow) => Announcement[],
  ): Promise<{ member: MemberRow; replaced: StoredPortrait | null } | null> {
    const mine = and(eq(members.associationId, associationId), eq(members.id, memberId));
    return this.db.tenant(associationId, async (tx) => {
      const [before] = await tx.select({ fileId: members.portraitFileId, contentType: members.portraitContentType }).from(members).where(mine).for('update');
      if (!before) return null;
      await queuePortraitDeletions(tx, associationId, memberId);
      const [member] = await tx
        .update(members)
        .set({ portraitFileId: portrait?.fileId ?? null, portraitContentType: portrait?.contentType ?? null, portraitUrl: null, updatedAt: new Date() })
        .where(mine)
        .returning(memberWithRoles);
      for (const event of announce(member!)) await this.db.outbox.add(tx, { ...event, associationId });
      const replaced = before.fileId && before.contentType ? { associationId, fileId: before.fileId, contentType: before.contentType } : null;
      return { member: member!, replaced };
    });
  }

  /** Stored bytes queued for deletion (file_deletions), of one association or of all (null), oldest first. */
  async pendingDeletions(associationId: string | null): Promise<{ associationId: string; key: string }[]> {
    const result = (await this.db.system((tx) =>
      tx.execute(
        sql`select association_id as "associationId", storage_key as key from members.file_deletions
            ${associationId ? sql`where association_id = ${associationId}` : sql``} order by queued_at`,
      ),
    )) as { rows: { associationId: string; key: string }[] };
    return result.rows;
  }

  /** The object is gone from storage: forget its key. */
  async deleted(associationId: string, key: string): Promise<void> {
    await this.db.system((tx) => tx.execute(sql`delete from members.file_deletions where association_id = ${associationId} and storage_key = ${key}`));
  }

  /** The portrait a signed link names, whoever's it is: the link's signature was its authorisation. */
  async findForDownload(fileId: string): Promise<StoredPortrait | null> {
    const [row] = await this.db.system((tx) =>
      tx
        .select({ associationId: members.associationId, fileId: members.portraitFileId, contentType: members.portraitContentType })
        .from(members)
        .where(eq(members.portraitFileId, fileId)),
    );
    return row?.fileId && row.contentType ? { associationId: row.associationId, fileId: row.fileId, contentType: row.contentType } : null;
  }

  /** The stored portraits of one member (their export and erasure), or of every member of the association (null). */
  async portraits(associationId: string, memberId: string | null): Promise<StoredPortrait[]> {
    const rows = await this.db.tenant(associationId, (tx) =>
      tx
        .select({ fileId: members.portraitFileId, contentType: members.portraitContentType })
        .from(members)
        .where(and(eq(members.associationId, associationId), isNotNull(members.portraitFileId), memberId ? eq(members.id, memberId) : undefined)),
    );
    return rows.flatMap((row) => (row.fileId && row.contentType ? [{ associationId, fileId: row.fileId, contentType: row.contentType }] : []));
  }
}
