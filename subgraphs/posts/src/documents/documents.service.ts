import { randomUUID } from 'node:crypto';
import {
  admitMember,
  badUserInput,
  conflict,
  decodeCursor,
  definedOnly,
  forbidden,
  notFound,
  pageSize,
  parseInput,
  refusedRule,
  toPage,
  unauthenticated,
  type MemberViewer,
  type Page,
  type Viewer,
} from '@tunet/kit';
import { z } from 'zod';
import type { AudienceReferences } from '../audiences/audience-references';
import { audienceInput, isInAudience, type Audience } from '../audiences/audiences';
import { canUseUpload } from '../files/files.access';
import type { FileRow } from '../files/files.repository';
import { canChangeEditorCommittee, canCreateDocument, canEditDocument, canManageFolders, canReadDocuments } from './documents.access';
import type { DocumentsLoaders } from './documents.loaders';
import { processingRestricted } from '../posts/posts.service';
import { NO_RESTRICTIONS, type Restrictions } from '../privacy/restrictions';
import type { DocumentChanges, DocumentListPosition, DocumentRow, DocumentsRepository, FolderRow, FolderRule } from './documents.repository';

/** What the service needs of a request: who asks, and the request's loaders, which scope every read to them. */
export interface DocumentsRequest {
  viewer: Viewer | null;
  documentLoaders: DocumentsLoaders;
}

// Ids that only reach SQL through a loader need no format check: loaders answer null for malformed ones.
const folderName = z.string().trim().min(1).max(100);
const title = z.string().trim().min(1).max(200);
const description = z.string().trim().max(2_000);
const note = z.string().trim().max(1_000);
/** Left out or null: the field keeps its value (or takes its default). */
const optional = <T extends z.ZodType>(field: T) => field.nullish().transform((value) => value ?? undefined);

const createFolderInput = z.object({ name: folderName, parentId: z.string().nullish() });
const renameFolderInput = z.object({ folderId: z.string(), name: folderName });
const createDocumentInput = z.object({
  folderId: z.string(),
  title,
  description: optional(description).transform((value) => value ?? ''),
  audience: audienceInput,
  editorCommitteeId: z.guid().nullish(),
  fileId: z.guid(),
  note: optional(note).transform((value) => value ?? ''),
});
const addVersionInput = z.object({
  documentId: z.string(),
  fileId: z.guid(),
  note: optional(note).transform((value) => value ?? ''),
});
const updateDocumentInput = z.object({
  documentId: z.string(),
  title: optional(title),
  description: optional(description),
  audience: optional(audienceInput),
  folderId: optional(z.string()),
  // Unlike the others, null means something here: the committee no longer edits. Absent leaves it as it is.
  editorCommitteeId: z.guid().nullable().optional(),
});

/** A cursor is [title, id] of the last document on the page. */
const cursorKey = z.tuple([z.string().max(200), z.guid()]);

/** Business rules for the document library: folders, documents, their versions and audiences. */
export class DocumentsService {
  constructor(
    private readonly repository: DocumentsRepository,
    private readonly references: AudienceReferences,
    private readonly restrictions: Restrictions = NO_RESTRICTIONS,
  ) {}

  /** A folder's subfolders, or the top-level folders when `parentId` is null. */
  async folders(request: DocumentsRequest, parentId: string | null | undefined): Promise<FolderRow[]> {
    const reader = admitMember(request.viewer, canReadDocuments);
    if (parentId) await this.folder(request, parentId);
    return this.repository.listFolders(reader.associationId, parentId ?? null);
  }

  async folder(request: DocumentsRequest, id: string): Promise<FolderRow> {
    const folder = await request.documentLoaders.folderById.load(id);
    if (!folder) throw notFound('Folder');
    return folder;
  }

  async document(request: DocumentsRequest, id: string): Promise<DocumentRow> {
    if (!request.viewer) throw unauthenticated();
    const document = await request.documentLoaders.documentById.load(id);
    if (!document) throw notFound('Document');
    return document;
  }

  /** A folder's documents the viewer may see, by title. */
  async listDocuments(
    request: DocumentsRequest,
    folderId: string,
    first: number | null | undefined,
    after: string | null | undefined,
  ): Promise<Page<DocumentRow>> {
    const reader = admitMember(request.viewer, canReadDocuments);
    const folder = await this.folder(request, folderId);
    const size = pageSize(first);
    const audiences = await request.documentLoaders.audiences();
    if (!audiences) throw forbidden();
    const rows = await this.repository.listDocuments(reader.associationId, folder.id, audiences, size + 1, after ? positionAfter(after) : null);
    return toPage(rows, size, (row) => [row.title, row.id]);
  }

  async createFolder(request: DocumentsRequest, rawInput: unknown): Promise<FolderRow> {
    const board = admitMember(request.viewer, canManageFolders);
    const input = parseInput(createFolderInput, rawInput);
    const parent = input.parentId ? await this.folder(request, input.parentId) : null;
    return nameTaken(() =>
      this.repository.insertFolder(board.associationId, {
        id: randomUUID(),
        parentId: parent?.id ?? null,
        name: input.name,
        createdByMemberId: board.memberId,
      }),
    );
  }

  async renameFolder(request: DocumentsRequest, rawInput: unknown): Promise<FolderRow> {
    const board = admitMember(request.viewer, canManageFolders);
    const input = parseInput(renameFolderInput, rawInput);
    const folder = await this.folder(request, input.folderId);
    const renamed = await nameTaken(() => this.repository.renameFolder(board.associationId, folder.id, input.name));
    if (!renamed) throw notFound('Folder');
    request.documentLoaders.folderById.clear(folder.id);
    return renamed;
  }

  /** A document with its first version, made of a file the viewer uploaded first. */
  async createDocument(request: DocumentsRequest, rawInput: unknown): Promise<DocumentRow> {
    const member = admitMember(request.viewer, canReadDocuments);
    const input = parseInput(createDocumentInput, rawInput);
    if (!canCreateDocument(member, member.associationId, input.editorCommitteeId ?? null)) {
      throw forbidden('Only the board, or a member of the committee named to edit it, can create a document.');
    }
    if (await this.restrictions.isRestricted(member.associationId, member.memberId)) throw processingRestricted();
    const folder = await this.folder(request, input.folderId);
    await this.checkAudience(request, member, input.audience);
    if (input.editorCommitteeId) await this.references.requireCommittee(member, input.editorCommitteeId, 'editorCommitteeId');
    return this.repository.insertDocument(
      member.associationId,
      {
        id: randomUUID(),
        folderId: folder.id,
        title: input.title,
        description: input.description,
        ...audienceColumns(input.audience),
        editorCommitteeId: input.editorCommitteeId ?? null,
        createdByMemberId: member.memberId,
      },
      { id: randomUUID(), fileId: input.fileId, note: input.note, uploadedByMemberId: member.memberId },
      (file) => checkUpload(member, file),
    );
  }

  /** The next version of a document, which becomes its current one. */
  async addVersion(request: DocumentsRequest, rawInput: unknown): Promise<DocumentRow> {
    const input = parseInput(addVersionInput, rawInput);
    const { editor, document } = await this.editable(request, input.documentId);
    if (await this.restrictions.isRestricted(editor.associationId, editor.memberId)) throw processingRestricted();
    const added = await this.repository.addVersion(
      editor.associationId,
      document.id,
      { id: randomUUID(), fileId: input.fileId, note: input.note, uploadedByMemberId: editor.memberId },
      (file) => checkUpload(editor, file),
    );
    if (!added) throw notFound('Document');
    request.documentLoaders.versionsByDocument.clear(document.id);
    request.documentLoaders.documentById.clear(document.id);
    return this.document(request, document.id);
  }

  async updateDocument(request: DocumentsRequest, rawInput: unknown): Promise<DocumentRow> {
    const input = parseInput(updateDocumentInput, rawInput);
    const { editor, document } = await this.editable(request, input.documentId);
    if (input.editorCommitteeId !== undefined && !canChangeEditorCommittee(editor, editor.associationId)) {
      throw forbidden('Only the board can choose which committee edits a document.');
    }
    if (input.editorCommitteeId) await this.references.requireCommittee(editor, input.editorCommitteeId, 'editorCommitteeId');
    const changes: DocumentChanges = definedOnly({
      title: input.title,
      description: input.description,
      folderId: input.folderId === undefined ? undefined : (await this.folder(request, input.folderId)).id,
      editorCommitteeId: input.editorCommitteeId,
    });
    if (input.audience) {
      await this.checkAudience(request, editor, input.audience);
      Object.assign(changes, audienceColumns(input.audience));
    }
    const updated = await this.repository.updateDocument(editor.associationId, document.id, changes);
    if (!updated) throw notFound('Document');
    request.documentLoaders.documentById.clear(document.id);
    return updated;
  }

  /** Soft: the document and its versions disappear from every read; deleting twice is NOT_FOUND the second time. */
  async deleteDocument(request: DocumentsRequest, documentId: string): Promise<string> {
    const { editor, document } = await this.editable(request, documentId);
    if (!(await this.repository.softDeleteDocument(editor.associationId, document.id, editor.memberId))) throw notFound('Document');
    request.documentLoaders.documentById.clear(document.id);
    return document.id;
  }

  /** A document the viewer sees and may edit: NOT_FOUND when they cannot see it, FORBIDDEN when they only read it. */
  private async editable(request: DocumentsRequest, documentId: string): Promise<{ editor: MemberViewer; document: DocumentRow }> {
    const editor = admitMember(request.viewer, canReadDocuments);
    const document = await this.document(request, documentId);
    if (!canEditDocument(editor, document)) throw forbidden('Only the board, or the committee named to edit it, can change this document.');
    return { editor, document };
  }

  /**
   * An editor who is not on the board must stay in the audience they choose: a document they could no longer see
   * is one they could no longer correct.
   */
  /** The audience must include the viewer, who would not see the document otherwise, and be the association's own. */
  private async checkAudience(request: DocumentsRequest, viewer: MemberViewer, chosen: Audience): Promise<void> {
    const audiences = await request.documentLoaders.audiences();
    if (!audiences || !isInAudience(chosen, audiences)) {
      throw badUserInput('audience', 'audience: you would not see the document yourself; choose an audience you are in.');
    }
    await this.references.require(viewer, chosen);
  }
}

function checkUpload(viewer: MemberViewer, file: FileRow | undefined): void {
  if (!file || !canUseUpload(viewer, file, null)) {
    throw badUserInput('fileId', 'fileId: not a file you uploaded that is still free to use; upload it first.');
  }
}

async function nameTaken<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (refusedRule<FolderRule>(error) === 'folder-name-taken') throw conflict('A folder with this name already exists here.');
    throw error;
  }
}

function audienceColumns(audience: Audience): Pick<DocumentRow, 'audienceKind' | 'audienceId'> {
  return { audienceKind: audience.kind, audienceId: 'id' in audience ? audience.id : null };
}

function positionAfter(cursor: string): DocumentListPosition {
  const [title, id] = decodeCursor(cursor, cursorKey);
  return { title, id };
}
