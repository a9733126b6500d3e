import {
  createLogger,
  PeriodicJob,
  postInternalRoute,
  PRIVACY_ERASE_ROUTE,
  PRIVACY_EXPORT_FILE_ROUTE,
  PRIVACY_EXPORT_ROUTE,
  PRIVACY_TOMBSTONE_ROUTE,
  privacyEraseAnswerSchema,
  privacyExportAnswerSchema,
  privacyTombstoneAnswerSchema,
  type BackgroundJob,
  type FileStorage,
  type Logger,
  type PrivacyEraseRequest,
  type PrivacyExportAnswer,
  type PrivacyExportFileRequest,
  type PrivacyExportRequest,
  type ReceiptEntry,
  type Tx,
} from '@tunet/kit';
import type { RequestRow, RequestsRepository } from './requests.repository';
import { describeFailure, stepsToRun } from './requests.rules';

/** Builds and stores a person's export archive from every subgraph's answer; `complete` runs in its transaction. */
export interface ExportPublisher {
  publish(
    input: {
      associationId: string;
      requestId: string;
      memberId: string;
      requestedBy: string | null;
      parts: { subgraph: string; answer: PrivacyExportAnswer }[];
      /** The file's bytes, or null when it was deleted since its subgraph answered (the summary names it). */
      fetchFile: (subgraph: string, fileId: string) => Promise<Buffer | null>;
    },
    complete: (tx: Tx) => Promise<void>,
  ): Promise<unknown>;
}

export interface RequestsJobOptions {
  repository: RequestsRepository;
  /** Each subgraph's GraphQL URL by name (their privacy routes sit beside it). */
  subgraphUrls: () => Readonly<Record<string, string>>;
  internalSecret: string;
  /** Where each subgraph's export answer waits for the archive, at `<association>/<request>/<subgraph>`. */
  storage: FileStorage;
  /** The archive builder; without it an export stays BUILDING once every subgraph answered. */
  publisher?: ExportPublisher;
  /** How often the job runs (PRIVACY_JOB_INTERVAL_MS, default 30 s). */
  intervalMs: number;
  now: () => Date;
  logger?: Logger;
}

/** Requests leased per run; a full batch runs again at once. */
const BATCH = 10;
/** How long a lease keeps other processes off; a crashed process's lease runs out. */
const LEASE_MS = 5 * 60_000;
const CALL_TIMEOUT_MS = 30_000;
/**
 * The longest one request's run may take: an erasure calls members for the tombstone, then members, the others and
 * privacy one phase after another, each call giving up after CALL_TIMEOUT_MS. A request is started only while this
 * much of its lease is left, so a slow batch never works on a request another process may have leased since.
 */
const REQUEST_MS = 4 * CALL_TIMEOUT_MS;
/** How far ahead each renewal reaches: the call about to be made and the write after it. */
const RENEWAL_MS = 2 * CALL_TIMEOUT_MS;

class StepFailed extends Error {}

/** The run's lease on a request was taken by another process once it ran out: the run stops and leaves it to that one. */
class LeaseLost extends Error {}

/** The value this run last wrote to the request's `leased_until`; the lease is still ours while the row holds it. */
interface Lease {
  until: Date;
}

/**
 * Moves every open data-subject request on (docs/decisions/0036): calls each subgraph's privacy route for the steps
 * not done, records the receipt or keeps the step pending with attempts and the kind of failure, and completes the
 * request when every step is done. An erasure first asks members for the association's tombstone, then erases in
 * members first, the other subgraphs next and privacy's own last (requests.rules.ts erasurePhase). Requests are leased (`for update skip locked`), so any number of privacy processes may run it.
 */
export class RequestsJob implements BackgroundJob {
  private readonly job: PeriodicJob;
  private readonly logger: Logger;

  constructor(private readonly options: RequestsJobOptions) {
    this.logger = options.logger ?? createLogger('privacy-requests');
    this.job = new PeriodicJob('privacy-requests', options.intervalMs, () => this.runOnce(), this.logger);
  }

  start(): void {
    this.job.start();
  }

  stop(): Promise<void> {
    return this.job.stop();
  }

  /** Runs soon (a new request need not wait for the interval). */
  nudge(): void {
    this.job.nudge();
  }

  /** One run over the open requests; true when a full batch was leased (more may wait). */
  async runOnce(): Promise<boolean> {
    const { repository, now } = this.options;
    const leasedAt = now();
    const leased = await repository.lease(leasedAt, LEASE_MS, BATCH);
    const startBy = leasedAt.getTime() + LEASE_MS - REQUEST_MS;
    for (const request of leased) {
      const lease: Lease = { until: request.leasedUntil! };
      try {
        // Too little of the lease is left to finish it: released untouched, for the next run of any process.
        if (now().getTime() <= startBy) await this.advance(request, lease);
      } catch (error) {
        if (error instanceof LeaseLost) this.logger.warn({ requestId: request.id }, 'privacy request lease taken by another process; left to it');
        else this.logger.error({ err: error, requestId: request.id }, 'privacy request run failed; retrying on the next run');
      } finally {
        await repository.release(request.associationId, request.id, lease.until);
      }
    }
    return leased.length === BATCH;
  }

  /**
   * Renews the lease to cover the next step (never shortening it), only while it is still this run's; throws LeaseLost
   * when another process took it since. REQUEST_MS bounds the calls, not an archive's file fetches, so each of those
   * and the publishing renew it: a big export outlasting its lease no longer runs beside the process that took it.
   */
  private async keep(request: RequestRow, lease: Lease, tx?: Tx): Promise<void> {
    const { repository, now } = this.options;
    const until = new Date(Math.max(lease.until.getTime(), now().getTime() + RENEWAL_MS));
    const { associationId, id } = request;
    const kept = tx ? await repository.renewIn(tx, associationId, id, lease.until, until) : await repository.renew(associationId, id, lease.until, until);
    if (!kept) throw new LeaseLost();
    lease.until = until;
  }

  private async advance(request: RequestRow, lease: Lease): Promise<void> {
    const { repository } = this.options;
    const { associationId, id } = request;
    if (request.kind === 'export' && (await repository.erasureAsked(associationId, request.subjectMemberId))) {
      // Erasure wins: no archive of a person being (or already) erased is published; the parts collected so far go.
      await this.dropParts(request);
      await repository.complete(associationId, id, this.options.now());
      return;
    }
    if (request.status === 'in_progress') {
      if (request.kind === 'erasure' && !request.tombstoneMemberId) {
        const tombstone = await this.tombstone(request);
        if (!tombstone) return;
        request = { ...request, tombstoneMemberId: tombstone };
      }
      // Steps that may run now; an erasure runs in phases (members, the others, privacy), so more rounds may follow.
      for (;;) {
        const runnable = stepsToRun(request.kind, await repository.stepsOf(associationId, [id]));
        if (runnable.length === 0) break;
        const outcomes = await Promise.all(runnable.map((step) => this.call(request, step.subgraph)));
        if (outcomes.includes(false)) return;
      }
    }
    if (request.kind === 'erasure') {
      await repository.complete(associationId, id, this.options.now());
      return;
    }
    await repository.markBuilding(associationId, id);
    await this.publish(request, lease);
  }

  /** The association's tombstone member from members (made on first use); null when members did not answer. */
  private async tombstone(request: RequestRow): Promise<string | null> {
    try {
      const response = await this.post('members', PRIVACY_TOMBSTONE_ROUTE, { kind: 'privacy.tombstone', associationId: request.associationId });
      if (!response.ok) throw new StepFailed(describeFailure({ status: response.status }));
      const { memberId } = privacyTombstoneAnswerSchema.parse(await response.json());
      await this.options.repository.setTombstone(request.associationId, request.id, memberId);
      return memberId;
    } catch (error) {
      await this.failed(request, 'members', error);
      return null;
    }
  }

  /** One step: true when the subgraph answered and its receipt is recorded. */
  private async call(request: RequestRow, subgraph: string): Promise<boolean> {
    const { associationId, id: requestId, subjectMemberId: memberId } = request;
    try {
      let receipt: ReceiptEntry[];
      if (request.kind === 'export') {
        const body: PrivacyExportRequest = { kind: 'privacy.export', requestId, associationId, memberId };
        const response = await this.post(subgraph, PRIVACY_EXPORT_ROUTE, body);
        if (!response.ok) throw new StepFailed(describeFailure({ status: response.status }));
        const answer = privacyExportAnswerSchema.parse(await response.json());
        if (answer.subgraph !== subgraph) throw new StepFailed('answered for another subgraph');
        await this.options.storage.put(partKey(request, subgraph), Buffer.from(JSON.stringify(answer)), 'application/json');
        receipt = answer.receipt;
      } else {
        const policy = { keepContent: request.keepContent ?? [], tombstoneMemberId: request.tombstoneMemberId!, reason: request.reason };
        const body: PrivacyEraseRequest = { kind: 'privacy.erase', requestId, associationId, memberId, policy };
        const response = await this.post(subgraph, PRIVACY_ERASE_ROUTE, body);
        if (!response.ok) throw new StepFailed(describeFailure({ status: response.status }));
        const answer = privacyEraseAnswerSchema.parse(await response.json());
        if (answer.subgraph !== subgraph) throw new StepFailed('answered for another subgraph');
        receipt = answer.receipt;
      }
      await this.options.repository.recordAttempt(associationId, requestId, subgraph, { receipt }, this.options.now());
      return true;
    } catch (error) {
      await this.failed(request, subgraph, error);
      return false;
    }
  }

  private async failed(request: RequestRow, subgraph: string, error: unknown): Promise<void> {
    const message = error instanceof StepFailed ? error.message : describeFailure({ error });
    this.logger.warn({ err: error, requestId: request.id, subgraph }, 'privacy step failed; asked again on the next run');
    await this.options.repository.recordAttempt(request.associationId, request.id, subgraph, { error: message }, this.options.now());
  }

  /** Hands every subgraph's answer to the archive builder, which completes the request in its transaction. */
  private async publish(request: RequestRow, lease: Lease): Promise<void> {
    const { publisher, storage, repository } = this.options;
    if (!publisher) return;
    const { associationId, id: requestId, subjectMemberId: memberId } = request;
    const steps = await repository.stepsOf(associationId, [requestId]);
    const parts = [];
    for (const step of steps) {
      const stored = await storage.get(partKey(request, step.subgraph));
      if (!stored) throw new Error(`export part of ${step.subgraph} is missing`);
      parts.push({ subgraph: step.subgraph, answer: privacyExportAnswerSchema.parse(JSON.parse(stored.toString('utf8'))) });
    }
    const fetchFile = async (subgraph: string, fileId: string): Promise<Buffer | null> => {
      await this.keep(request, lease);
      const body: PrivacyExportFileRequest = { kind: 'privacy.export-file', requestId, associationId, memberId, fileId };
      const response = await this.post(subgraph, PRIVACY_EXPORT_FILE_ROUTE, body);
      // Deleted since the subgraph answered: the archive names it rather than the export waiting for it forever.
      if (response.status === 404) return null;
      if (!response.ok) throw new Error(`${subgraph} ${PRIVACY_EXPORT_FILE_ROUTE} ${describeFailure({ status: response.status })}`);
      return Buffer.from(await response.arrayBuffer());
    };
    // Asked once more right before publishing: an erasure asked while the parts were read wins too.
    if (await repository.erasureAsked(associationId, memberId)) return;
    await publisher.publish({ associationId, requestId, memberId, requestedBy: request.requestedBy, parts, fetchFile }, async (tx) => {
      await this.keep(request, lease, tx);
      await repository.completeIn(tx, associationId, requestId, this.options.now());
    });
    // The archive holds them now; the parts were only its input.
    await this.dropParts(request);
  }

  /** Deletes every subgraph's stored export part of the request (nothing stored: nothing done). */
  private async dropParts(request: RequestRow): Promise<void> {
    for (const step of await this.options.repository.stepsOf(request.associationId, [request.id])) {
      await this.options.storage.delete(partKey(request, step.subgraph));
    }
  }

  private post(subgraph: string, route: string, payload: unknown): Promise<Response> {
    const graphqlUrl = this.options.subgraphUrls()[subgraph];
    if (!graphqlUrl) throw new StepFailed('not configured');
    return postInternalRoute({ graphqlUrl, route, internalSecret: this.options.internalSecret, payload, timeoutMs: CALL_TIMEOUT_MS });
  }
}

/** Where a subgraph's export answer waits for the archive (a FileStorage key: `<uuid>/<uuid>/<word>`). */
export const partKey = (request: Pick<RequestRow, 'associationId' | 'id'>, subgraph: string): string => `${request.associationId}/${request.id}/${subgraph}`;
