import { refusedAs, type SubgraphDatabase, type Tx } from '@tunet/kit';
import { and, asc, desc, eq, inArray, isNull, max, or, sql, type SQL } from 'drizzle-orm';
import type { ViewerAudiences } from '../audiences/audiences';
import type { FileRow } from '../files/files.repository';
import { documentFolders, documents, documentVersions, files } from '../tables';

export type FolderRow = typeof documentFolders.$inferSelect;
export type DocumentRow = typeof documents.$inferSelect;
export type DocumentVersionRow = typeof documentVersions.$inferSelect;
/** The association comes from the tenant rows are inserted under, so the two cannot disagree. */
export type NewFolder = Omit<typeof documentFolders.$inferInsert, 'associationId'>;

/** Names are unique among a folder's subfolders (a unique index); inserts and renames report it as `'folder-name-taken'`. */
const FOLDER_RULES = { document_folders_by_parent: 'folder-name-taken' } as const;
export type FolderRule = (typeof FOLDER_RULES)[keyof typeof FOLDER_RULES];
export type NewDocument = Omit<typeof documents.$inferInsert, 'associationId' | 'deletedAt' | 'deletedByMemberId'>;
export type NewVersion = Pick<DocumentVersionRow, 'id' | 'fileId' | 'note' | 'uploadedByMemberId'>;
export type DocumentChanges = Partial<Pick<DocumentRow, 'folderId' | 'title' | 'description' | 'audienceKind' | 'audienceId' | 'editorCommitteeId'>>;

/** Keyset position in a folder's documents, by title. */
export type DocumentListPosition = { title: string; id: string };

/**
 * The only code that reads or writes the document library. Every call names its tenant. A version's file is
 * marked as used (files.document_id) in the same transaction that adds the version, so no file is ever a version
 * and an attachment, or a version purged as unattached.
 */
export class DocumentsRepository {
  constructor(private readonly db: SubgraphDatabase) {}

  findFolders(tenant: string, ids: readonly string[]): Promise<FolderRow[]> {
    return this.db.tenant(tenant, (tx) =>
      tx
        .select()
        .from(documentFolders)
        .where(and(eq(documentFolders.associationId, tenant), inArray(documentFolders.id, [...ids]))),
    );
  }

  /** A folder's subfolders, or the top level's when `parentId` is null, by name. */
  listFolders(tenant: string, parentId: string | null): Promise<FolderRow[]> {
    return this.db.tenant(tenant, (tx) =>
      tx
        .select()
        .from(documentFolders)
        .where(and(eq(documentFolders.associationId, tenant), parentId ? eq(documentFolders.parentId, parentId) : isNull(documentFolders.parentId)))
        .orderBy(sql`lower(${documentFolders.name})`),
    );
  }

  async insertFolder(tenant: string, folder: NewFolder): Promise<FolderRow> {
    const [row] = await refusedAs(FOLDER_RULES, () =>
      this.db.tenant(tenant, (tx) =>
        tx
          .insert(documentFolders)
          .values({ ...folder, associationId: tenant })
          .returning(),
      ),
    );
    if (!row) throw new Error('insert returned no row');
    return row;
  }

  async renameFolder(tenant: string, id: string, name: string): Promise<FolderRow | null> {
    const [row] = await refusedAs(FOLDER_RULES, () =>
      this.db.tenant(tenant, (tx) =>
        tx
          .update(documentFolders)
          .set({ name })
          .where(and(eq(documentFolders.associationId, tenant), eq(documentFolders.id, id)))
          .returning(),
      ),
    );
    return row ?? null;
  }

  /** Documents not deleted; the caller decides which of them the viewer may see. */
  findDocuments(tenant: string, ids: readonly string[]): Promise<DocumentRow[]> {
    return this.db.tenant(tenant, (tx) =>
      tx
        .select()
        .from(documents)
        .where(and(eq(documents.associationId, tenant), inArray(documents.id, [...ids]), isNull(documents.deletedAt))),
    );
  }

  /**
   * One page of a folder's documents the viewer's audiences reach, by title; fetch `limit + 1` to learn whether
   * another page follows. The audience is filtered here, not after, so every page is full.
   */
  listDocuments(tenant: string, folderId: string, audiences: ViewerAudiences, limit: number, after: DocumentListPosition | null): Promise<DocumentRow[]> {
    return this.db.tenant(tenant, (tx) =>
      tx
        .select()
        .from(documents)
        .where(
          and(
            eq(documents.associationId, tenant),
            eq(documents.folderId, folderId),
            isNull(documents.deletedAt),
            reachedBy(audiences),
            after ? sql`(${documents.title}, ${documents.id}) > (${after.title}, ${after.id}::uuid)` : undefined,
          ),
        )
        .orderBy(asc(documents.title), asc(documents.id))
        .limit(limit),
    );
  }

  /** Each document's versions, newest first. */
  findVersions(tenant: string, documentIds: readonly string[]): Promise<DocumentVersionRow[]> {
    return this.db.tenant(tenant, (tx) =>
      tx
        .select()
        .from(documentVersions)
        .where(and(eq(documentVersions.associationId, tenant), inArray(documentVersions.documentId, [...documentIds])))
        .orderBy(asc(documentVersions.documentId), desc(documentVersions.number)),
    );
  }

  /** The document and its first version, made of the file `check` accepts (it throws to refuse), together. */
  insertDocument(tenant: string, document: NewDocument, version: NewVersion, check: (file: FileRow | undefined) => void): Promise<DocumentRow> {
    return this.db.tenant(tenant, async (tx) => {
      check(await lockFile(tx, tenant, version.fileId));
      const [row] = await tx
        .insert(documents)
        .values({ ...document, associationId: tenant })
        .returning();
      if (!row) throw new Error('insert returned no row');
      await addVersion(tx, tenant, row.id, 1, version);
      return row;
    });
  }

  /**
   * Adds the next version, numbered under a lock of the document so two at once take consecutive numbers. Null
   * when the document is gone or deleted.
   */
  addVersion(tenant: string, documentId: string, version: NewVersion, check: (file: FileRow | undefined) => void): Promise<DocumentVersionRow | null> {
    return this.db.tenant(tenant, async (tx) => {
      const [document] = await tx
        .select({ id: documents.id })
        .from(documents)
        .where(and(eq(documents.associationId, tenant), eq(documents.id, documentId), isNull(documents.deletedAt)))
        .for('update');
      if (!document) return null;
      check(await lockFile(tx, tenant, version.fileId));
      const [latest] = await tx
        .select({ number: max(documentVersions.number) })
        .from(documentVersions)
        .where(and(eq(documentVersions.associationId, tenant), eq(documentVersions.documentId, documentId)));
      const added = await addVersion(tx, tenant, documentId, (latest?.number ?? 0) + 1, version);
      await tx
        .update(documents)
        .set({ updatedAt: new Date() })
        .where(and(eq(documents.associationId, tenant), eq(documents.id, documentId)));
      return added;
    });
  }

  async updateDocument(tenant: string, id: string, changes: DocumentChanges): Promise<DocumentRow | null> {
    const [row] = await this.db.tenant(tenant, (tx) =>
      tx
        .update(documents)
        .set({ ...changes, updatedAt: new Date() })
        .where(and(eq(documents.associationId, tenant), eq(documents.id, id), isNull(documents.deletedAt)))
        .returning(),
    );
    return row ?? null;
  }

  /** Marks the document deleted; false when it already was or never existed. */
  async softDeleteDocument(tenant: string, id: string, byMemberId: string): Promise<boolean> {
    const rows = await this.db.tenant(tenant, (tx) =>
      tx
        .update(documents)
        .set({ deletedAt: new Date(), deletedByMemberId: byMemberId })
        .where(and(eq(documents.associationId, tenant), eq(documents.id, id), isNull(documents.deletedAt)))
        .returning({ id: documents.id }),
    );
    return rows.length > 0;
  }
}

/** Locked, so a concurrent attach or purge of the same file waits for this transaction. */
async function lockFile(tx: Tx, tenant: string, fileId: string): Promise<FileRow | undefined> {
  const [row] = await tx
    .select()
    .from(files)
    .where(and(eq(files.associationId, tenant), eq(files.id, fileId)))
    .for('update');
  return row;
}

async function addVersion(tx: Tx, tenant: string, documentId: string, number: number, version: NewVersion): Promise<DocumentVersionRow> {
  const [row] = await tx
    .insert(documentVersions)
    .values({ ...version, associationId: tenant, documentId, number })
    .returning();
  if (!row) throw new Error('insert returned no row');
  await tx
    .update(files)
    .set({ documentId })
    .where(and(eq(files.associationId, tenant), eq(files.id, version.fileId)));
  return row;
}

/** The SQL form of isInAudience (audiences.ts), so pages are filtered by the database; the board sees all. */
function reachedBy(audiences: ViewerAudiences): SQL | undefined {
  if (audiences.board) return undefined;
  const within = (kind: 'building' | 'committee' | 'group', ids: readonly string[]) =>
    ids.length > 0 ? and(eq(documents.audienceKind, kind), inArray(documents.audienceId, [...ids])) : undefined;
  return or(
    eq(documents.audienceKind, 'association'),
    within('building', audiences.buildingIds),
    within('committee', audiences.committeeIds),
    within('group', audiences.groupIds),
  );
}
