import {
  InternalRouteError,
  type PersonalDataHolder,
  type PrivacyAssociationRequest,
  type PrivacyEraseAnswer,
  type PrivacyEraseRequest,
  type PrivacyExportAnswer,
  type PrivacyExportAssociationFileRequest,
  type PrivacyExportFileRequest,
  type PrivacyExportRequest,
  type ReceiptEntry,
} from '@tunet/kit';
import type { InternalBinaryAnswer } from '@tunet/kit';
import { PHOTOS_TABLE, type PhotosPrivacy } from '../photos/photos-privacy.service';
import { PERSONAL_DATA } from './personal-data';
import type { PrivacyRepository } from './privacy.repository';

const SUBGRAPH = 'operations';

/** Operations' side of the internal privacy contract (kit privacy.ts, decisions 0036 and 0041). */
export class PrivacyService implements PersonalDataHolder {
  constructor(
    private readonly repository: PrivacyRepository,
    /** Photos of service requests (decision 0041, addendum "photos"): rows and bytes, exported and erased. */
    private readonly photos: PhotosPrivacy,
  ) {}

  async exportMember({ associationId, memberId }: PrivacyExportRequest): Promise<PrivacyExportAnswer> {
    const photos = await this.photos.exportOf(associationId, memberId);
    const tables = { ...(await this.repository.exportMember(associationId, memberId)), [PHOTOS_TABLE]: photos.rows };
    return { subgraph: SUBGRAPH, tables, files: photos.files, receipt: exportReceipt(tables) };
  }

  async exportAssociation({ associationId }: PrivacyAssociationRequest): Promise<PrivacyExportAnswer> {
    const photos = await this.photos.exportOf(associationId, null);
    const tables = { ...(await this.repository.exportAssociation(associationId)), [PHOTOS_TABLE]: photos.rows };
    return { subgraph: SUBGRAPH, tables, files: photos.files, receipt: exportReceipt(tables) };
  }

  /** A photo the member added, for their export (PRIVACY_EXPORT_FILE_ROUTE). */
  exportFile({ associationId, memberId, fileId }: PrivacyExportFileRequest): Promise<InternalBinaryAnswer> {
    return this.photos.file(associationId, memberId, fileId);
  }

  /** Any photo of a terminated association, for its full export. */
  exportAssociationFile({ associationId, fileId }: PrivacyExportAssociationFileRequest): Promise<InternalBinaryAnswer> {
    return this.photos.file(associationId, null, fileId);
  }

  /**
   * The requests they reported stay, reported by the association's "Former resident" member: the fault is the
   * building's history. Their words stay only when the association keeps posts after an erasure (the same choice
   * for what people write); otherwise title and description are replaced.
   */
  async eraseMember({ associationId, memberId, policy }: PrivacyEraseRequest): Promise<PrivacyEraseAnswer> {
    if (memberId === policy.tombstoneMemberId) throw new InternalRouteError(409, 'The tombstone member is not a person and cannot be erased.');
    const keepText = policy.keepContent.includes('posts');
    const keepComments = policy.keepContent.includes('comments');
    const photos = await this.photos.eraseMember(associationId, memberId, policy.tombstoneMemberId, keepText);
    const counts: Record<string, number> = {
      ...(await this.repository.eraseMember(associationId, memberId, policy.tombstoneMemberId, keepText, keepComments)),
      [PHOTOS_TABLE]: photos,
    };
    const notes: Record<string, string> = {
      service_requests: keepText
        ? 'Reported faults stay with the association, reported by "Former resident".'
        : 'Reported faults stay with the association, reported by "Former resident", without their title and description.',
      service_request_status_changes: 'Status changes they made no longer name them.',
      service_request_comments: keepComments
        ? 'Comments they wrote stay with the request, by "Former resident".'
        : 'Comments they wrote on requests are deleted.',
      service_request_ratings: 'Ratings they gave keep their score, by "Former resident", without their comment unless comments are kept.',
      service_request_suppliers: 'Suppliers they engaged no longer name them.',
      [PHOTOS_TABLE]: keepText ? 'Photos they added to requests stay, added by "Former resident".' : 'Photos they added to requests are deleted.',
      service_request_deadline_settings: 'Deadlines they set keep applying, without their name.',
      maintenance_tasks: 'Maintenance tasks they were responsible for go back to the board; tasks they made no longer name them.',
      maintenance_occurrences: keepText
        ? 'Maintenance rounds they completed stay as the association’s record, without their name.'
        : 'Maintenance rounds they completed stay as the association’s record, without their name and notes.',
    };
    const receipt = Object.entries(PERSONAL_DATA).map(([table, entry]): ReceiptEntry => ({
      table,
      action:
        (table === 'service_request_comments' && !keepComments) || (table === PHOTOS_TABLE && !keepText)
          ? 'erased'
          : entry.erasure === 'reattribute'
            ? 'reattributed'
            : 'anonymised',
      rows: counts[table] ?? 0,
      lawfulBasis: entry.lawfulBasis,
      keptUntil: null,
      note: notes[table] ?? null,
    }));
    return { subgraph: SUBGRAPH, receipt };
  }

  async eraseAssociation({ associationId }: PrivacyAssociationRequest): Promise<PrivacyEraseAnswer> {
    // The photos first: their rows would go with the requests by cascade, leaving their bytes behind.
    const photos = await this.photos.eraseAssociation(associationId);
    const counts: Record<string, number> = { ...(await this.repository.eraseAssociation(associationId)), [PHOTOS_TABLE]: photos };
    const receipt = Object.entries(PERSONAL_DATA).map(([table, entry]): ReceiptEntry => ({
      table,
      action: 'erased',
      rows: counts[table] ?? 0,
      lawfulBasis: entry.lawfulBasis,
      keptUntil: null,
      note: null,
    }));
    return { subgraph: SUBGRAPH, receipt };
  }
}

function exportReceipt(tables: Record<string, unknown[]>): ReceiptEntry[] {
  return Object.entries(PERSONAL_DATA).map(([table, entry]) => ({
    table,
    action: 'exported',
    rows: tables[table]?.length ?? 0,
    lawfulBasis: entry.lawfulBasis,
    keptUntil: null,
    note: null,
  }));
}
