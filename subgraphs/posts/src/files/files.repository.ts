import { urlSigningKey, type SubgraphDatabase } from '@tunet/kit';
import { and, asc, eq, inArray, isNull, lt, or, sql } from 'drizzle-orm';
import { fileSettings, files } from '../tables';

export type FileRow = typeof files.$inferSelect;
/** The association comes from the tenant the file is inserted under, so the two cannot disagree. */
export type NewFile = Omit<typeof files.$inferInsert, 'associationId' | 'postId' | 'postPosition' | 'documentId'>;

const SIGNING_KEY = 'file-downloads';

/**
 * The sum of the files' stored bytes. An image whose variants were never measured (uploaded before migration 0013
 * and not yet reached by the backfill) counts as three times its original, an estimate that errs high.
 */
const STORED_BYTES = sql<string>`coalesce(sum(coalesce(${files.storedBytes}, 3 * ${files.sizeBytes}::bigint)), 0)`;

/** The only code that reads or writes files and upload settings. Every call names its tenant, or says why not. */
export class FilesRepository {
  constructor(private readonly db: SubgraphDatabase) {}

  /**
   * The deployment's URL signing key, created by whichever process asks first. System scope: the key belongs to
   * no association, and its table admits nothing else.
   */
  signingKey(): Promise<Buffer> {
    return urlSigningKey(this.db, SIGNING_KEY);
  }

  /** The board's limit, or null when it never set one. */
  async maxFileBytes(tenant: string): Promise<number | null> {
    const [row] = await this.db.tenant(tenant, (tx) =>
      tx.select({ maxFileBytes: fileSettings.maxFileBytes }).from(fileSettings).where(eq(fileSettings.associationId, tenant)),
    );
    return row?.maxFileBytes ?? null;
  }

  async setMaxFileBytes(tenant: string, maxFileBytes: number, byMemberId: string): Promise<void> {
    const change = { maxFileBytes, updatedByMemberId: byMemberId, updatedAt: new Date() };
    await this.db.tenant(tenant, (tx) =>
      tx
        .insert(fileSettings)
        .values({ associationId: tenant, ...change })
        .onConflictDoUpdate({ target: fileSettings.associationId, set: change }),
    );
  }

  /** What the association's files take up in storage, every variant counted. */
  async storedBytes(tenant: string): Promise<number> {
    const [row] = await this.db.tenant(tenant, (tx) => tx.select({ bytes: STORED_BYTES }).from(files).where(eq(files.associationId, tenant)));
    return Number(row?.bytes ?? 0);
  }

  /**
   * Inserts the file if `admit` lets it. `admit` gets what the association's files take up before this one, and
   * throws to refuse or stores the file's objects (before the row, so a row never names bytes that are not there).
   * The association's uploads take turns from the count to the commit (an advisory lock), so two uploads at the
   * edge of the storage limit cannot both count the room that only one of them fits.
   */
  insertFile(tenant: string, file: NewFile, admit: (storedBytes: number) => Promise<void>): Promise<FileRow> {
    return this.db.tenant(tenant, async (tx) => {
      await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`posts.storage:${tenant}`}))`);
      const [usage] = await tx.select({ bytes: STORED_BYTES }).from(files).where(eq(files.associationId, tenant));
      await admit(Number(usage?.bytes ?? 0));
      const [row] = await tx
        .insert(files)
        .values({ ...file, associationId: tenant })
        .returning();
      if (!row) throw new Error('insert returned no row');
      return row;
    });
  }

  /**
   * Up to `limit` images from before their variants were measured (migration 0013), across associations: system
   * scope, a one-off sweep for the whole deployment.
   */
  unmeasuredFiles(limit: number): Promise<FileRow[]> {
    return this.db.system((tx) => tx.select().from(files).where(isNull(files.storedBytes)).orderBy(asc(files.id)).limit(limit));
  }

  /** Records what the file's objects were measured to take up; a file measured meanwhile keeps its figure. */
  async setStoredBytes(id: string, storedBytes: number): Promise<void> {
    await this.db.system((tx) =>
      tx
        .update(files)
        .set({ storedBytes })
        .where(and(eq(files.id, id), isNull(files.storedBytes))),
    );
  }

  findFiles(tenant: string, ids: readonly string[]): Promise<FileRow[]> {
    return this.db.tenant(tenant, (tx) =>
      tx
        .select()
        .from(files)
        .where(and(eq(files.associationId, tenant), inArray(files.id, [...ids]))),
    );
  }

  /** The files attached to a batch of posts, each post's in their order. */
  findAttachments(tenant: string, postIds: readonly string[]): Promise<FileRow[]> {
    return this.db.tenant(tenant, (tx) =>
      tx
        .select()
        .from(files)
        .where(and(eq(files.associationId, tenant), inArray(files.postId, [...postIds])))
        .orderBy(asc(files.postId), asc(files.postPosition)),
    );
  }

  /**
   * For the download route, whose signed URL names only the file: system scope, because the route has no viewer
   * and the signature (checked before this is called) is the whole authorisation.
   */
  async findFileForDownload(id: string): Promise<FileRow | null> {
    const [row] = await this.db.system((tx) => tx.select().from(files).where(eq(files.id, id)));
    return row ?? null;
  }

  /**
   * Makes `fileIds` the post's attachments in that order, in one transaction. The requested files and those
   * attached now are locked first, so `check` (which throws to refuse) sees them as they are written, and a
   * concurrent attach elsewhere or purge waits rather than interleaves.
   */
  setPostAttachments(tenant: string, postId: string, fileIds: readonly string[], check: (requested: (FileRow | undefined)[]) => void): Promise<FileRow[]> {
    return this.db.tenant(tenant, async (tx) => {
      const locked = await tx
        .select()
        .from(files)
        .where(and(eq(files.associationId, tenant), or(eq(files.postId, postId), fileIds.length > 0 ? inArray(files.id, [...fileIds]) : undefined)))
        .orderBy(asc(files.id))
        .for('update');
      check(fileIds.map((id) => locked.find((row) => row.id === id)));
      // Detached first: the positions are unique per post, so moving files in one pass could collide midway.
      await tx
        .update(files)
        .set({ postId: null, postPosition: null })
        .where(and(eq(files.associationId, tenant), eq(files.postId, postId)));
      const attached: FileRow[] = [];
      for (const [position, id] of fileIds.entries()) {
        const [row] = await tx
          .update(files)
          .set({ postId, postPosition: position })
          .where(and(eq(files.associationId, tenant), eq(files.id, id)))
          .returning();
        if (row) attached.push(row);
      }
      return attached;
    });
  }

  /**
   * Deletes up to `limit` files that are in no post or document and were uploaded before `cutoff`, across
   * associations (system scope: a sweep for the whole deployment). Rows being attached right now are locked by
   * that transaction and skipped. Returns the deleted rows so their stored objects can go too.
   */
  purgeUnattached(cutoff: Date, limit: number): Promise<FileRow[]> {
    return this.db.system(async (tx) => {
      const unattached = and(isNull(files.postId), isNull(files.documentId), lt(files.createdAt, cutoff));
      const stale = await tx.select().from(files).where(unattached).orderBy(asc(files.createdAt)).limit(limit).for('update', { skipLocked: true });
      // Ids are unique across associations (files_by_id), so they alone name the rows.
      if (stale.length > 0)
        await tx.delete(files).where(
          inArray(
            files.id,
            stale.map((row) => row.id),
          ),
        );
      return stale;
    });
  }
}
