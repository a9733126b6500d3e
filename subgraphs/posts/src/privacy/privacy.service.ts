import {
  InternalBinaryAnswer,
  InternalRouteError,
  type ContentKind,
  type FileStorage,
  type PrivacyAssociationRequest,
  type PrivacyEraseAnswer,
  type PrivacyEraseRequest,
  type PrivacyExportAnswer,
  type PrivacyExportAssociationFileRequest,
  type PrivacyExportFileRequest,
  type PrivacyExportRequest,
  type ReceiptEntry,
  type RetentionCounts,
  type SubgraphDatabase,
} from '@tunet/kit';
import type { EventsService } from '../events/events.service';
import { storageKey } from '../files/files.service';
import { PERSONAL_DATA } from './personal-data';
import type { PrivacyRepository } from './privacy.repository';
import { fileDeleted, pendingFileDeletions, purgeSoftDeleted } from './retention.repository';
import { softDeletedCutoff } from './retention.rules';

const SUBGRAPH = 'posts';
/** The retention job's name in posts.retention_runs. */
export const SOFT_DELETED_PURGE = 'soft-deleted-purge';

/** The content kind a reattribute table's rows are, so the policy decides whether they stay. */
const KIND_OF: Record<string, ContentKind> = {
  posts: 'posts',
  comments: 'comments',
  events: 'events',
  documents: 'documents',
  document_versions: 'documents',
};

/** Posts' side of the internal privacy contract (kit privacy.ts, decision 0036). */
export class PrivacyService {
  constructor(
    private readonly repository: PrivacyRepository,
    private readonly storage: FileStorage,
    private readonly db: SubgraphDatabase,
    private readonly events: Pick<EventsService, 'releaseSeatsOf'>,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async exportMember({ associationId, memberId }: PrivacyExportRequest): Promise<PrivacyExportAnswer> {
    const { tables, files } = await this.repository.exportMember(associationId, memberId);
    return { subgraph: SUBGRAPH, tables, files, receipt: exportReceipt(tables) };
  }

  async exportAssociation({ associationId }: PrivacyAssociationRequest): Promise<PrivacyExportAnswer> {
    const { tables, files } = await this.repository.exportAssociation(associationId);
    return { subgraph: SUBGRAPH, tables, files, receipt: exportReceipt(tables) };
  }

  /** The original bytes of a file the member uploaded in the association; any other file is not found. */
  async exportFile({ associationId, memberId, fileId }: PrivacyExportFileRequest): Promise<InternalBinaryAnswer> {
    return this.fileBytes(associationId, memberId, fileId);
  }

  /** The original bytes of any file of a terminated association, for its full export. */
  async exportAssociationFile({ associationId, fileId }: PrivacyExportAssociationFileRequest): Promise<InternalBinaryAnswer> {
    return this.fileBytes(associationId, null, fileId);
  }

  private async fileBytes(associationId: string, memberId: string | null, fileId: string): Promise<InternalBinaryAnswer> {
    const file = await this.repository.uploadedFile(associationId, memberId, fileId);
    const bytes = file ? await this.storage.get(storageKey(file, 'original')) : null;
    if (!file || !bytes) throw new InternalRouteError(404, 'No such file of this member.');
    return new InternalBinaryAnswer(bytes, file.contentType);
  }

  /** Erases the member in one transaction, then removes the stored objects of the files that went with it. */
  async eraseMember({ associationId, memberId, policy }: PrivacyEraseRequest): Promise<PrivacyEraseAnswer> {
    // The tombstone holds what earlier erasures kept; erasing it would delete that, or name itself.
    if (memberId === policy.tombstoneMemberId) throw new InternalRouteError(409, 'The tombstone member is not a person and cannot be erased.');
    // Seats are given up first, each in its own transaction as a cancellation is, so the waitlist moves on; the
    // erasure then deletes the cancelled sign-ups with the rest.
    await this.events.releaseSeatsOf(associationId, memberId, await this.repository.upcomingSignups(associationId, memberId, this.now()));
    const { counts, filesKept } = await this.repository.eraseMember(associationId, memberId, policy.keepContent, policy.tombstoneMemberId);
    await this.removeObjects(associationId);
    const kept = new Set(policy.keepContent);
    const receipt = Object.entries(PERSONAL_DATA).map(([table, entry]): ReceiptEntry => {
      if (table === 'files') return filesEntry(counts.files ?? 0, filesKept, entry.lawfulBasis);
      const kind = KIND_OF[table];
      if (kind && kept.has(kind)) return entryOf(table, 'reattributed', counts[table] ?? 0, 'legitimate_interest', REATTRIBUTED_NOTE);
      const action = entry.erasure === 'anonymise' ? 'anonymised' : 'erased';
      return entryOf(table, action, counts[table] ?? 0, entry.lawfulBasis, NOTES[table] ?? null);
    });
    return { subgraph: SUBGRAPH, receipt };
  }

  /** Deletes everything of a terminated association, files included. */
  async eraseAssociation({ associationId }: PrivacyAssociationRequest): Promise<PrivacyEraseAnswer> {
    const { counts } = await this.repository.eraseAssociation(associationId);
    await this.removeObjects(associationId);
    const receipt = Object.entries(PERSONAL_DATA).map(([table, entry]) => entryOf(table, 'erased', counts[table] ?? 0, entry.lawfulBasis, null));
    return { subgraph: SUBGRAPH, receipt };
  }

  /**
   * One retention pass: posts, comments and documents deleted 180 days before `now` at the latest are removed with
   * their files (kit runRetention logs it), and every stored object still queued is deleted (`stored_objects`),
   * also those an erasure could not delete. Counts per table.
   */
  async purgeSoftDeleted(now: Date): Promise<RetentionCounts> {
    const counts = await purgeSoftDeleted(this.db, softDeletedCutoff(now));
    return { ...counts, stored_objects: await this.removeObjects(null) };
  }

  /**
   * Deletes the queued stored objects (posts.file_deletions, written with the rows' deletion), forgetting each key
   * once its object is gone. A storage that fails keeps the key for the next retention pass; the erasure itself has
   * committed and stands. Returns how many objects went.
   */
  private async removeObjects(associationId: string | null): Promise<number> {
    let removed = 0;
    for (const { associationId: a, key } of await pendingFileDeletions(this.db, associationId)) {
      try {
        await this.storage.delete(key);
      } catch {
        continue;
      }
      if (await fileDeleted(this.db, a, key)) removed += 1;
    }
    return removed;
  }
}

const REATTRIBUTED_NOTE = "Kept as the association's policy says, attributed to its Former resident member.";

const NOTES: Record<string, string> = {
  comments: 'Deleted; a comment others replied to keeps its place in the thread with its text removed.',
  comment_edits: 'Earlier texts of their comments are deleted, also where the comment itself is kept.',
  files: 'Files in content that is kept stay with it; all others are deleted from storage.',
  group_members: 'Their memberships are deleted; where they let someone in, nobody is named.',
  group_join_requests: 'Their requests are deleted; where they decided on one, nobody is named.',
};

/** Their uploads: 'reattributed' when some stay with kept content (the note says how many of each), else 'erased'. */
function filesEntry(rows: number, kept: number, lawfulBasis: ReceiptEntry['lawfulBasis']): ReceiptEntry {
  if (kept === 0) return entryOf('files', 'erased', rows, lawfulBasis, NOTES.files ?? null);
  return entryOf(
    'files',
    'reattributed',
    rows,
    'legitimate_interest',
    `${kept} kept with content the association keeps, ${rows - kept} deleted. ${NOTES.files}`,
  );
}

function entryOf(table: string, action: ReceiptEntry['action'], rows: number, lawfulBasis: ReceiptEntry['lawfulBasis'], note: string | null): ReceiptEntry {
  return { table, action, rows, lawfulBasis, keptUntil: null, note };
}

function exportReceipt(tables: Record<string, unknown[]>): ReceiptEntry[] {
  return Object.entries(PERSONAL_DATA).map(([table, entry]) => entryOf(table, 'exported', tables[table]?.length ?? 0, entry.lawfulBasis, null));
}
