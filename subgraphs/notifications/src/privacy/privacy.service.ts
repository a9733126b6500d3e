import type { PrivacyAssociationRequest, PrivacyEraseAnswer, PrivacyEraseRequest, PrivacyExportAnswer, PrivacyExportRequest, ReceiptEntry } from '@tunet/kit';
import { PERSONAL_DATA } from './personal-data';
import type { Counts, PrivacyRepository, Rows } from './privacy.repository';

const SUBGRAPH = 'notifications';

/** Why a table's rows went as they did, in a sentence the person reads in their receipt. */
const ERASURE_NOTES: Record<string, string> = {
  notifications:
    "Messages to the person deleted, with those to an address their e-mails went to, and other residents' notices of their content the association does not keep; unsubscribe links stop working.",
  deliveries: 'Deliveries deleted, queued ones with them: nothing more is sent.',
  push_devices: 'Push devices deleted: no push reaches them.',
};

const EXPORT_NOTES: Record<string, string> = {
  push_devices: 'Which push service and device; the push address and keys are left out, as they let anyone push to the device.',
};

const entry = (table: string, action: ReceiptEntry['action'], rows: number, note: string | null = null): ReceiptEntry => ({
  table,
  action,
  rows,
  lawfulBasis: PERSONAL_DATA[table]?.lawfulBasis ?? 'contract',
  keptUntil: null,
  note,
});

const exported = (tables: Record<string, Rows>): ReceiptEntry[] =>
  Object.keys(PERSONAL_DATA).map((table) => entry(table, 'exported', tables[table]?.length ?? 0, EXPORT_NOTES[table] ?? null));

const erased = (counts: Counts): ReceiptEntry[] =>
  Object.keys(PERSONAL_DATA).map((table) => entry(table, 'erased', counts[table] ?? 0, ERASURE_NOTES[table] ?? null));

/** Notifications' side of the privacy contract (docs/decisions/0036): everything here about a person is theirs to take or erase. */
export class PrivacyService {
  constructor(private readonly repository: PrivacyRepository) {}

  async exportMember({ associationId, memberId }: PrivacyExportRequest): Promise<PrivacyExportAnswer> {
    const tables = await this.repository.exportMember(associationId, memberId);
    return { subgraph: SUBGRAPH, tables, files: [], receipt: exported(tables) };
  }

  async eraseMember({ associationId, memberId, policy }: PrivacyEraseRequest): Promise<PrivacyEraseAnswer> {
    return { subgraph: SUBGRAPH, receipt: erased(await this.repository.eraseMember(associationId, memberId, policy)) };
  }

  async exportAssociation({ associationId }: PrivacyAssociationRequest): Promise<PrivacyExportAnswer> {
    const tables = await this.repository.exportAssociation(associationId);
    return { subgraph: SUBGRAPH, tables, files: [], receipt: exported(tables) };
  }

  async eraseAssociation({ associationId }: PrivacyAssociationRequest): Promise<PrivacyEraseAnswer> {
    return { subgraph: SUBGRAPH, receipt: erased(await this.repository.eraseAssociation(associationId)) };
  }
}
