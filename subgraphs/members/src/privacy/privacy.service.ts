import type {
  InternalBinaryAnswer,
  PersonalTable,
  PrivacyAssociationRequest,
  PrivacyEraseAnswer,
  PrivacyEraseRequest,
  PrivacyExportAnswer,
  PrivacyExportAssociationFileRequest,
  PrivacyExportFileRequest,
  PrivacyExportRequest,
  PrivacyMovedOutAnswer,
  PrivacyMovedOutRequest,
  ReceiptEntry,
  RevocationWriter,
} from '@tunet/kit';
import type { PortraitsService } from '../members/portraits.service';
import { PERSONAL_DATA } from './personal-data';
import { ASSOCIATION_ERASURE_TABLES, type Counts, type PrivacyRepository } from './privacy.repository';

const SUBGRAPH = 'members';

const ERASURE_ACTION: Record<PersonalTable['erasure'], ReceiptEntry['action']> = {
  delete: 'erased',
  anonymise: 'anonymised',
  reattribute: 'reattributed',
  keep: 'kept',
};

/** Why a table's rows are treated as they are, in a sentence the person reads in their receipt. */
const ERASURE_NOTES: Record<string, string> = {
  refresh_tokens: 'Every login session in the association ended at once.',
  invitations: 'Invitations to the person deleted (their links stop working); invitations they sent no longer name them.',
  access_log: 'Reads of and by the person deleted here; the privacy access log keeps only pseudonymous entries.',
  api_keys: 'API keys belong to the association and keep working; they no longer name who created them.',
  import_jobs: 'Imports the person started are attributed to the former resident.',
  terms_acceptances: "The association's acceptance of the terms stays; the person's name and login are removed from it.",
  terminations: "The association's notice of termination stays; it no longer names who filed it.",
  support_sessions: "The association's record of provider staff who accessed it.",
  breach_notices: "The provider's written notices to the association.",
};

const TOMBSTONE_NAME: Record<string, string> = { nb: 'Tidligere beboer', en: 'Former resident' };
const FORMER_BOARD_MEMBER: Record<string, string> = { nb: 'Tidligere styremedlem', en: 'Former board member' };

const entry = (table: string, action: ReceiptEntry['action'], rows: number, note: string | null = null): ReceiptEntry => ({
  table,
  action,
  rows,
  lawfulBasis: PERSONAL_DATA[table]?.lawfulBasis ?? 'contract',
  keptUntil: null,
  note,
});

/**
 * Members' side of the privacy contract (decision 0036): what members holds about a person, their erasure with the
 * account going with its last membership, the tombstone, a terminated association's data, and who moved out long
 * enough ago. Ended sessions are announced through the kit revocations (decision 0018), so access tokens stop at once.
 */
export class PrivacyService {
  constructor(
    private readonly repository: PrivacyRepository,
    private readonly revocations: RevocationWriter,
    /** Uploaded portraits (decision 0047): their bytes are exported as files and deleted with their rows. */
    private readonly portraits: Pick<PortraitsService, 'exportFiles' | 'exportFile' | 'removeQueued'>,
  ) {}

  async exportMember({ associationId, memberId }: PrivacyExportRequest): Promise<PrivacyExportAnswer> {
    const tables = await this.repository.exportMember(associationId, memberId);
    return {
      subgraph: SUBGRAPH,
      tables,
      files: await this.portraits.exportFiles(associationId, memberId),
      receipt: Object.keys(PERSONAL_DATA).map((table) => entry(table, 'exported', tables[table]?.length ?? 0)),
    };
  }

  /** The member's uploaded portrait, for their export (PRIVACY_EXPORT_FILE_ROUTE). */
  exportFile({ associationId, memberId, fileId }: PrivacyExportFileRequest): Promise<InternalBinaryAnswer> {
    return this.portraits.exportFile(associationId, memberId, fileId);
  }

  /** Any portrait of a terminated association, for its full export. */
  exportAssociationFile({ associationId, fileId }: PrivacyExportAssociationFileRequest): Promise<InternalBinaryAnswer> {
    return this.portraits.exportFile(associationId, null, fileId);
  }

  /**
   * The portrait's bytes are queued for deletion in the erasure's transaction and deleted after it; a storage that
   * fails leaves them queued for the portrait-deletions job (decision 0047 review fix 2), never forgotten.
   */
  async eraseMember({ associationId, memberId, policy }: PrivacyEraseRequest): Promise<PrivacyEraseAnswer> {
    const erased = await this.repository.eraseMember(
      associationId,
      memberId,
      policy.tombstoneMemberId,
      { formerBoardMember: (locale) => FORMER_BOARD_MEMBER[locale] ?? FORMER_BOARD_MEMBER.nb! },
      (sessionIds) => this.revocations.endSessions(sessionIds),
    );
    await this.portraits.removeQueued(associationId);
    const counts: Counts = erased?.counts ?? {};
    const receipt = Object.entries(PERSONAL_DATA).map(([table, personal]) => {
      if (table === 'accounts' && erased?.accountKept) {
        const why = erased.accountKept === 'operator' ? "It is the provider's staff login." : 'It is also used in another association.';
        return entry(table, 'kept', 1, `The login stays: ${why} Only this association's membership was erased.`);
      }
      return entry(table, ERASURE_ACTION[personal.erasure], counts[table] ?? 0, ERASURE_NOTES[table] ?? null);
    });
    return { subgraph: SUBGRAPH, receipt };
  }

  tombstone(associationId: string): Promise<string | null> {
    return this.repository.tombstone(associationId, (locale) => TOMBSTONE_NAME[locale] ?? TOMBSTONE_NAME.nb!);
  }

  async exportAssociation({ associationId }: PrivacyAssociationRequest): Promise<PrivacyExportAnswer> {
    const tables = await this.repository.exportAssociation(associationId);
    const receipt = Object.entries(tables).map(([table, rows]) => entry(table, 'exported', rows.length));
    return { subgraph: SUBGRAPH, tables, files: await this.portraits.exportFiles(associationId, null), receipt };
  }

  async eraseAssociation({ associationId }: PrivacyAssociationRequest): Promise<PrivacyEraseAnswer> {
    const erased = await this.repository.eraseAssociation(associationId, (sessionIds) => this.revocations.endSessions(sessionIds));
    await this.portraits.removeQueued(associationId);
    const counts = erased ?? {};
    return { subgraph: SUBGRAPH, receipt: ASSOCIATION_ERASURE_TABLES.map((table) => entry(table, 'erased', counts[table] ?? 0)) };
  }

  movedOut(request: PrivacyMovedOutRequest): Promise<PrivacyMovedOutAnswer> {
    return this.repository.movedOut(request).then((members) => ({ members }));
  }
}
