import {
  createLogger,
  PeriodicJob,
  PRIVACY_ERASE_ASSOCIATION_ROUTE,
  PRIVACY_EXPORT_ASSOCIATION_FILE_ROUTE,
  PRIVACY_EXPORT_ASSOCIATION_ROUTE,
  privacyEraseAnswerSchema,
  privacyExportAnswerSchema,
  type BackgroundJob,
  type FileStorage,
  type Logger,
  type PrivacyAssociationRequest,
  type PrivacyExportAssociationFileRequest,
  type PrivacyExportAnswer,
} from '@tunet/kit';
import { CLOSURE_CALL_TIMEOUT_MS, ClosureLease, LeaseLost } from './closure-lease';
import { availableUntilInstant, closureDates, deletionDue } from './closures.rules';
import type { ClosureRow, ClosuresRepository } from './closures.repository';
import { renderDeletionReceipt } from './deletion-receipt.rules';
import { archiveKeyOf, type ExportArchiver } from './export-archiver';

/** Calls a subgraph's internal route; the answer as fetch gives it. */
export type RouteCaller = (subgraph: string, route: string, payload: unknown) => Promise<Response>;

export { CLOSURE_CALL_TIMEOUT_MS } from './closure-lease';

const BATCH = 20;
/** Long enough for several closures' runs in one batch; a crashed process's lease runs out. */
const LEASE_MS = 15 * 60_000;

/** The start of a closure: from `association.terminated`, or an operator's command when that event never came. */
export interface ClosureStart {
  associationId: string;
  terminationId: string;
  terminatedOn: string;
  timeZone: string;
  startedBy: 'event' | 'operator';
}

/**
 * A terminated association's end (docs/decisions/0037). Its content is exported from every subgraph into one
 * archive, ready within a month and downloadable until three months after the end date; then each subgraph deletes
 * everything of the association (`privacy/erase-association`), privacy its own rows last, and a written receipt
 * records who confirmed what and when. A subgraph that does not answer is asked again on the next run.
 */
export class ClosuresService {
  constructor(
    private readonly repository: ClosuresRepository,
    private readonly storage: FileStorage,
    private readonly archiver: ExportArchiver,
    private readonly call: RouteCaller,
    /** The subgraphs that answer the association routes, members last (privacy's own rows are erased here). */
    private readonly subgraphs: readonly string[],
    private readonly now: () => Date = () => new Date(),
    private readonly logger: Logger = createLogger('association-closures'),
  ) {}

  /** Starts the closure; true when it is new (a redelivered event or a repeated command changes nothing). */
  async start(input: ClosureStart): Promise<boolean> {
    return this.repository.start({ ...input, ...closureDates(input.terminatedOn) }, this.subgraphs, this.now());
  }

  job(intervalMs = 5 * 60_000): BackgroundJob {
    return new PeriodicJob('association-closures', intervalMs, () => this.run(), this.logger);
  }

  /**
   * One run over the open closures it leases; logs how many it moved on (0 when nothing was due). Returns that number.
   * It leases only as many as their budgets fit in the lease, so the rest stay free for other processes meanwhile.
   * A closure that fails is logged and released for the next run; the batch goes on.
   */
  async run(): Promise<number> {
    const startedAt = this.now();
    let changed = 0;
    const fits = Math.max(1, Math.min(BATCH, Math.floor(LEASE_MS / this.closureMs())));
    for (const closure of await this.repository.lease(startedAt, LEASE_MS, fits)) {
      const lease = new ClosureLease(this.repository, closure.associationId, closure.leasedUntil, this.now);
      try {
        // Too little of the lease is left to finish it: released untouched, for the next run of any process.
        if (lease.lasts(this.closureMs()) && (await this.advance(closure, lease))) changed++;
      } catch (error) {
        if (error instanceof LeaseLost) this.logger.warn({ associationId: closure.associationId }, 'closure lease taken by another process; left to it');
        else this.logger.error({ err: error, associationId: closure.associationId }, 'association closure run failed; retrying on the next run');
      } finally {
        await lease.release();
      }
    }
    await this.repository.logRun(startedAt, changed);
    return changed;
  }

  /**
   * The longest a closure's run may take before its archive: it asks the subgraphs of one phase (the export, or the
   * deletion, which a ready closure starts and runs on at once) one after another, each call giving up after
   * CLOSURE_CALL_TIMEOUT_MS, and one call's worth more covers the storage and database work around them.
   */
  private closureMs(): number {
    return (this.subgraphs.length + 1) * CLOSURE_CALL_TIMEOUT_MS;
  }

  private async advance(closure: ClosureRow, lease: ClosureLease): Promise<boolean> {
    if (closure.status === 'exporting') return this.export(closure, lease);
    if (closure.status === 'ready' && deletionDue(this.now(), closure.timeZone, closure.availableUntil)) {
      await this.deleteExportObjects(closure);
      await this.repository.startErasing(closure.associationId, this.subgraphs);
      await this.erase({ ...closure, status: 'erasing' }, lease);
      return true;
    }
    if (closure.status === 'erasing') return this.erase(closure, lease);
    return false;
  }

  /** Asks every subgraph not yet done; when all answered, builds the archive. True when it became ready. */
  private async export(closure: ClosureRow, lease: ClosureLease): Promise<boolean> {
    const { associationId, terminationId } = closure;
    const body: PrivacyAssociationRequest = { kind: 'privacy.export-association', requestId: terminationId, associationId };
    for (const step of await this.stepsInOrder(associationId, 'export')) {
      if (step.doneAt) continue;
      await lease.keep();
      await this.attempt(closure, 'export', step.subgraph, async () => {
        const answer = privacyExportAnswerSchema.parse(await this.answerOf(step.subgraph, PRIVACY_EXPORT_ASSOCIATION_ROUTE, body));
        await this.storage.put(partKey(closure, step.subgraph), Buffer.from(JSON.stringify(answer)), 'application/json');
        return answer.receipt;
      });
    }
    const steps = await this.repository.steps(associationId, 'export');
    if (steps.some((step) => !step.doneAt)) return false;
    const parts: { subgraph: string; answer: PrivacyExportAnswer }[] = [];
    for (const step of steps) {
      const stored = await this.storage.get(partKey(closure, step.subgraph));
      if (!stored) throw new Error(`association export part of ${step.subgraph} is missing`);
      parts.push({ subgraph: step.subgraph, answer: privacyExportAnswerSchema.parse(JSON.parse(stored.toString('utf8'))) });
    }
    // A big archive's file fetches can outlast any lease given at the start: each renews it for itself and the upload.
    const fetchFile = async (subgraph: string, fileId: string): Promise<Buffer | null> => {
      await lease.keep();
      const file: PrivacyExportAssociationFileRequest = { kind: 'privacy.export-association-file', requestId: terminationId, associationId, fileId };
      const response = await this.call(subgraph, PRIVACY_EXPORT_ASSOCIATION_FILE_ROUTE, file);
      // Deleted since the subgraph answered: the summary says so, rather than the export waiting for it forever.
      if (response.status === 404) return null;
      if (!response.ok) throw new Error(`${subgraph} ${PRIVACY_EXPORT_ASSOCIATION_FILE_ROUTE} answered HTTP ${response.status}`);
      return Buffer.from(await response.arrayBuffer());
    };
    const built = await this.archiver.build({ associationId, requestId: terminationId, memberId: null, parts, fetchFile });
    const expiresAt = availableUntilInstant(closure.availableUntil, closure.timeZone);
    await lease.keep();
    await this.repository.markReady(associationId, {
      key: built.archiveKey,
      sizeBytes: built.sizeBytes,
      readyAt: this.now(),
      expiresAt,
      exportId: terminationId,
    });
    for (const step of steps) await this.storage.delete(partKey(closure, step.subgraph));
    return true;
  }

  /**
   * Deletes the archive and every export part, whether the closure knows of them or not: a part uploaded by a run
   * that had lost its lease, or parts left by a crash between markReady and their deletion, are personal data that
   * nothing else would ever remove. Deleting what is not there is harmless.
   */
  private async deleteExportObjects(closure: ClosureRow): Promise<void> {
    const keys = new Set([archiveKeyOf(closure.associationId, closure.terminationId)]);
    if (closure.archiveKey) keys.add(closure.archiveKey);
    for (const step of await this.repository.steps(closure.associationId, 'export')) keys.add(partKey(closure, step.subgraph));
    for (const subgraph of this.subgraphs) keys.add(partKey(closure, subgraph));
    for (const key of keys) await this.storage.delete(key);
  }

  /** Asks every subgraph not yet done to delete the association; when all confirmed, privacy's own rows go and the receipt is written. */
  private async erase(closure: ClosureRow, lease: ClosureLease): Promise<boolean> {
    const { associationId, terminationId } = closure;
    const body: PrivacyAssociationRequest = { kind: 'privacy.erase-association', requestId: terminationId, associationId };
    for (const step of await this.stepsInOrder(associationId, 'erase')) {
      if (step.doneAt) continue;
      await lease.keep();
      await this.attempt(closure, 'erase', step.subgraph, async () => {
        return privacyEraseAnswerSchema.parse(await this.answerOf(step.subgraph, PRIVACY_ERASE_ASSOCIATION_ROUTE, body)).receipt;
      });
    }
    const steps = await this.repository.steps(associationId, 'erase');
    if (steps.some((step) => !step.doneAt)) return false;
    await lease.keep();
    const { handover, ...own } = await this.repository.eraseOwnRows(associationId);
    const erasedAt = this.now();
    const receipt = { closure, steps, own, handover, erasedAt };
    await this.repository.markErased(associationId, { nb: renderDeletionReceipt(receipt, 'nb'), en: renderDeletionReceipt(receipt, 'en') }, erasedAt);
    return true;
  }

  /** A phase's steps in the order of `subgraphs`: members last, as its association row is what the others hang on. */
  private async stepsInOrder(associationId: string, phase: 'export' | 'erase') {
    const rank = (subgraph: string) => this.subgraphs.indexOf(subgraph);
    return (await this.repository.steps(associationId, phase)).sort((a, b) => rank(a.subgraph) - rank(b.subgraph));
  }

  private async attempt(closure: ClosureRow, phase: 'export' | 'erase', subgraph: string, work: () => Promise<PrivacyExportAnswer['receipt']>): Promise<void> {
    try {
      const receipt = await work();
      await this.repository.recordAttempt(closure.associationId, phase, subgraph, { receipt }, this.now());
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      await this.repository.recordAttempt(closure.associationId, phase, subgraph, { error: message }, this.now());
    }
  }

  private async answerOf(subgraph: string, route: string, body: PrivacyAssociationRequest): Promise<unknown> {
    const response = await this.call(subgraph, route, body);
    if (!response.ok) throw new Error(`${subgraph} answered HTTP ${response.status}`);
    const answer = (await response.json()) as { subgraph?: unknown };
    if (answer.subgraph !== subgraph) throw new Error(`${subgraph} answered for another subgraph`);
    return answer;
  }
}

/** Where a subgraph's part of the association export waits for the archive (a FileStorage key). */
const partKey = (closure: ClosureRow, subgraph: string) => `${closure.associationId}/${closure.terminationId}/${subgraph.replace(/[^a-z]/g, '')}`;
