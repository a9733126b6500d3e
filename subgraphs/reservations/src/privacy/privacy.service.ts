import {
  InternalRouteError,
  type PrivacyAssociationRequest,
  type PrivacyEraseAnswer,
  type PrivacyEraseRequest,
  type PrivacyExportAnswer,
  type PrivacyExportRequest,
  type ReceiptEntry,
  type RetentionCounts,
} from '@tunet/kit';
import { PERSONAL_DATA } from './personal-data';
import { FISCAL_ZONE, type PrivacyRepository } from './privacy.repository';
import { chargeKeptUntil, chargesDueBefore } from './retention.rules';

const SUBGRAPH = 'reservations';
/** The retention job's name in reservations.retention_runs. */
export const CHARGES_PURGE = 'charges-purge';

const NOTES: Record<string, string> = {
  bookings:
    'Bookings ahead are cancelled (refunded in full). Bookings without charges are deleted; a booking with charges is kept without ' +
    'the booker, household or comment for as long as its charges.',
  charges:
    'Accounting records are kept for the bookkeeping law (bokføringsloven § 13) until 5 years after the end of their fiscal year, ' +
    'with amount, date, resource and description only; then deleted.',
  calendar_feeds: 'Calendar feed links stop working.',
};

/** Reservations' side of the internal privacy contract (kit privacy.ts, decision 0036). */
export class PrivacyService {
  constructor(
    private readonly repository: PrivacyRepository,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async exportMember({ associationId, memberId }: PrivacyExportRequest): Promise<PrivacyExportAnswer> {
    const tables = await this.repository.exportMember(associationId, memberId);
    return { subgraph: SUBGRAPH, tables, files: [], receipt: exportReceipt(tables) };
  }

  async exportAssociation({ associationId }: PrivacyAssociationRequest): Promise<PrivacyExportAnswer> {
    const tables = await this.repository.exportAssociation(associationId);
    return { subgraph: SUBGRAPH, tables, files: [], receipt: exportReceipt(tables) };
  }

  async eraseMember({ associationId, memberId, policy }: PrivacyEraseRequest): Promise<PrivacyEraseAnswer> {
    // Erasing the tombstone would strip what earlier erasures kept; naming the person as their own tombstone, keep it.
    if (memberId === policy.tombstoneMemberId || (await this.repository.isTombstone(associationId, memberId))) {
      throw new InternalRouteError(409, 'The tombstone member is not a person and cannot be erased.');
    }
    const { counts, bookings, keptCharges } = await this.repository.eraseMember(associationId, memberId, policy.tombstoneMemberId, this.now());
    const latest =
      keptCharges
        .map((at) => chargeKeptUntil(at, FISCAL_ZONE))
        .sort()
        .at(-1) ?? null;
    const receipt = Object.entries(PERSONAL_DATA).map(([table, entry]): ReceiptEntry => {
      const action =
        table === 'bookings' ? bookingsAction(bookings) : entry.erasure === 'keep' ? 'kept' : entry.erasure === 'anonymise' ? 'anonymised' : 'erased';
      return {
        table,
        action,
        rows: counts[table] ?? 0,
        lawfulBasis: entry.lawfulBasis,
        keptUntil: action === 'kept' ? latest : null,
        note: table === 'bookings' ? bookingsNote(bookings) : (NOTES[table] ?? null),
      };
    });
    return { subgraph: SUBGRAPH, receipt };
  }

  /**
   * Deletes everything of a terminated association, its charges included: the association is the bookkeeper and
   * received them in its export; the provider keeps no accounts for it.
   */
  async eraseAssociation({ associationId }: PrivacyAssociationRequest): Promise<PrivacyEraseAnswer> {
    const counts = await this.repository.eraseAssociation(associationId);
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

  /** One retention pass (kit runRetention logs it): charges past their five years, and bookings kept only for them. */
  purgeExpiredCharges(now: Date): Promise<RetentionCounts> {
    return this.repository.purgeExpiredCharges(chargesDueBefore(now, FISCAL_ZONE));
  }
}

/** One entry per table: 'erased' when every booking of theirs was deleted, 'anonymised' when any was kept stripped. */
function bookingsAction({ deleted, kept }: { deleted: number; kept: number }): ReceiptEntry['action'] {
  return deleted > 0 && kept === 0 ? 'erased' : 'anonymised';
}

function bookingsNote({ deleted, kept }: { deleted: number; kept: number }): string {
  return `${deleted} deleted, ${kept} kept without the booker for their charges. ${NOTES.bookings}`;
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
