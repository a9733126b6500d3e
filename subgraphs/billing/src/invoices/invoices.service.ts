import {
  announceEntitlementsChanged,
  badUserInput,
  conflict,
  createLogger,
  decodeCursor,
  forbidden,
  isUuid,
  notFound,
  pageSize,
  toPage,
  todayIn,
  unauthenticated,
  type FastStore,
  type Page,
  type Viewer,
} from '@tunet/kit';
import { z } from 'zod';
import type { CatalogueRepository, FeatureRow } from '../catalogue/catalogue.repository';
import { statusWhenPaid } from '../sweeps/sweeps.rules';
import { canMarkInvoicePaid, canReadInvoices } from './invoices.access';
import type { InvoiceStatus } from '../tables';
import type { InvoiceRow, InvoicesRepository } from './invoices.repository';
import { blocksOn, DEFAULT_TIME_ZONE, isPastDue, paidOnRefusal } from './invoices.rules';

const MAX_NOTE_LENGTH = 500;
const cursorKey = z.tuple([z.string().regex(/^\d{4}-\d{2}-\d{2}$/), z.uuid()]);

export interface MarkInvoicePaidInput {
  invoiceId: string;
  paidOn: string;
  note?: string | null;
}

const logger = createLogger('billing-invoices');

/** An association's invoices for its board and the operators, and the operators' record of payments. */
export class InvoicesService {
  private catalogueRows: Promise<FeatureRow[]> | undefined;

  constructor(
    private readonly repository: InvoicesRepository,
    private readonly catalogue: CatalogueRepository,
    private readonly store: FastStore,
    /** Days an invoice may be past due before its add-on is blocked (BILLING_BLOCK_AFTER_DAYS), as the sweeps use. */
    private readonly blockAfterDays: number,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** The add-on an invoice bills. The catalogue changes only by migration, before a process starts: read it once. */
  async feature(key: string): Promise<FeatureRow> {
    this.catalogueRows ??= this.catalogue.listFeatures().catch((err: unknown) => {
      this.catalogueRows = undefined;
      throw err;
    });
    const feature = (await this.catalogueRows).find((row) => row.key === key);
    if (!feature) throw new Error(`invoice of feature ${key}, which the catalogue lacks`);
    return feature;
  }

  today(): string {
    return todayIn(DEFAULT_TIME_ZONE, this.now());
  }

  /** Unpaid after its due date, as of today. */
  isOverdue(invoice: InvoiceRow): boolean {
    return isPastDue(invoice, this.today());
  }

  statusOf(invoice: InvoiceRow): InvoiceStatus {
    if (invoice.paidAt !== null) return 'paid';
    return this.isOverdue(invoice) ? 'overdue' : 'unpaid';
  }

  async list(
    viewer: Viewer | null,
    associationId: string,
    args: { first?: number | null; after?: string | null; status?: InvoiceStatus | null },
  ): Promise<Page<InvoiceRow>> {
    if (!viewer) throw unauthenticated();
    if (!canReadInvoices(viewer, associationId)) throw forbidden("Only the association's board and the provider's operators see its invoices.");
    const size = pageSize(args.first);
    const after = args.after ? decodeCursor(args.after, cursorKey) : null;
    const rows = await this.repository.list(associationId, args.status ?? null, this.today(), size + 1, after && { issuedOn: after[0], id: after[1] });
    return toPage(rows, size, (row) => [row.issuedOn, row.id]);
  }

  /**
   * Records that an invoice was paid on `paidOn`. A past-due or blocked add-on reopens in the same transaction
   * (past due while another of its invoices is overdue, but not yet long enough to block it), and the gateways hear
   * of it right after the commit.
   */
  async markPaid(viewer: Viewer | null, input: MarkInvoicePaidInput): Promise<InvoiceRow> {
    if (!viewer) throw unauthenticated();
    if (!canMarkInvoicePaid(viewer)) throw forbidden("Only the provider's operators record payments.");
    const note = input.note?.trim() || null;
    if (note !== null && note.length > MAX_NOTE_LENGTH) throw badUserInput('note', `The note can be at most ${MAX_NOTE_LENGTH} characters.`);
    if (!isUuid(input.invoiceId)) throw notFound('The invoice');
    const today = this.today();
    const result = await this.repository.recordPayment({
      invoiceId: input.invoiceId,
      paidOn: input.paidOn,
      paidAt: this.now(),
      paidBy: viewer.accountId,
      note,
      refusal: (invoice) => paidOnRefusal(input.paidOn, invoice.issuedOn, today),
      reopensAs: (subscription, otherUnpaid) => statusWhenPaid(subscription.status, otherUnpaid, today, this.blockAfterDays),
      blocksOn: (dueOn) => blocksOn(dueOn, this.blockAfterDays),
    });
    if (result === 'not-found') throw notFound('The invoice');
    if (result === 'already-paid') throw conflict('The invoice is already paid.');
    if ('refused' in result) throw badUserInput('paidOn', result.refused);
    if (result.reopened) {
      // The payment stands either way; without the announcement gateways drop their copies within a minute.
      await announceEntitlementsChanged(this.store, result.reopened.associationId).catch((err: unknown) =>
        logger.error({ err, associationId: result.reopened?.associationId }, 'reopened add-on not announced; gateways see it when their copy expires'),
      );
    }
    return result.invoice;
  }
}
