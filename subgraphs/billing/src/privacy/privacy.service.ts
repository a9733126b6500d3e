import {
  InternalRouteError,
  type PrivacyAssociationRequest,
  type PrivacyEraseAnswer,
  type PrivacyEraseRequest,
  type PrivacyExportAnswer,
  type PrivacyExportRequest,
  type ReceiptEntry,
} from '@tunet/kit';
import type { AssociationProfiles } from '../associations/association-profiles';
import { PERSONAL_DATA } from './personal-data';
import type { PrivacyRepository, Rows } from './privacy.repository';

const SUBGRAPH = 'billing';

const entry = (table: string, action: ReceiptEntry['action'], rows: number, note: string | null = null, keptUntil: string | null = null): ReceiptEntry => ({
  table,
  action,
  rows,
  lawfulBasis: PERSONAL_DATA[table]?.lawfulBasis ?? 'contract',
  keptUntil,
  note,
});

const exported = (tables: Record<string, Rows>): ReceiptEntry[] =>
  Object.keys(PERSONAL_DATA).map((table) => entry(table, 'exported', tables[table]?.length ?? 0));

/**
 * Billing's side of the privacy contract (docs/decisions/0036). Its records are the association's; a person is
 * removed from them, and a terminated association's invoices are kept for the bookkeeping law, then deleted.
 */
export class PrivacyService {
  constructor(
    private readonly repository: PrivacyRepository,
    /** Members' registry: whether the association's agreement has ended before it is erased whole. */
    private readonly profiles: AssociationProfiles,
  ) {}

  async exportMember({ associationId, memberId }: PrivacyExportRequest): Promise<PrivacyExportAnswer> {
    const tables = await this.repository.exportMember(associationId, memberId);
    return { subgraph: SUBGRAPH, tables, files: [], receipt: exported(tables) };
  }

  async eraseMember({ associationId, memberId }: PrivacyEraseRequest): Promise<PrivacyEraseAnswer> {
    const counts = await this.repository.eraseMember(associationId, memberId);
    return {
      subgraph: SUBGRAPH,
      receipt: [
        entry('audit_log', 'anonymised', counts.audit_log, "The association's billing history stays; it no longer names the person."),
        entry('subscriptions', 'anonymised', counts.subscriptions, "The association's add-ons stay; they no longer say who started or cancelled them."),
        entry('invoices', 'kept', 0, 'Invoices are to the association and name no resident.'),
      ],
    };
  }

  async exportAssociation({ associationId }: PrivacyAssociationRequest): Promise<PrivacyExportAnswer> {
    const tables = await this.repository.exportAssociation(associationId);
    return { subgraph: SUBGRAPH, tables, files: [], receipt: exported(tables) };
  }

  /**
   * Erases a terminated association's billing (invoices kept for the bookkeeping law). A live one is refused (409):
   * members' registry says whether the agreement ended; an association members no longer knows has nothing live.
   */
  async eraseAssociation({ associationId }: PrivacyAssociationRequest): Promise<PrivacyEraseAnswer> {
    const profile = await this.profiles.profile(associationId);
    if (profile && profile.status !== 'terminated') {
      throw new InternalRouteError(409, 'The association is not terminated: only a terminated association is erased whole.');
    }
    const erased = await this.repository.eraseAssociation(associationId);
    const keptUntil = erased.invoicesKeptUntil;
    const bookkeeping = 'Kept for the bookkeeping law (bookføringsloven § 13), five years after the fiscal year, with nothing else.';
    return {
      subgraph: SUBGRAPH,
      receipt: [
        entry('audit_log', 'erased', erased.auditErased),
        entry('subscriptions', 'erased', erased.subscriptionsErased, 'Add-ons no invoice refers to.'),
        entry('subscriptions', 'kept', erased.subscriptionsKept, `Add-ons an invoice refers to. ${bookkeeping}`, keptUntil),
        entry('invoices', 'kept', erased.invoicesKept, bookkeeping, keptUntil),
      ],
    };
  }
}
