import { randomUUID } from 'node:crypto';
import {
  conflict,
  createLogger,
  decodeCursor,
  fail,
  forbidden,
  notFound,
  PeriodicJob,
  pageSize,
  parseInput,
  toPage,
  unauthenticated,
  type BackgroundJob,
  type Page,
  type Viewer,
} from '@tunet/kit';
import { z } from 'zod';
import type { CurrentAssociations } from '../subprocessors/current-associations';
import { canKeepBreachRegister, canRecordAuthorityReport, canSeeBreachNotices } from './breaches.access';
import type { BreachesRepository, BreachNoticeRow, BreachRow } from './breaches.repository';
import { clocksOf, notifyAssociationDueAt, notifyAuthorityDueAt, refuseReportedAt, refuseSuspectedAt } from './breaches.rules';

const recordInput = z.strictObject({
  suspectedAt: z.date(),
  description: z.string().trim().min(1).max(4000),
  dataCategories: z.array(z.string().trim().min(1).max(64)).min(1).max(50),
  associationIds: z.array(z.guid()).min(1).max(10_000),
});
const notifyInput = z.strictObject({ breachId: z.guid() });
const authorityInput = z.strictObject({
  breachId: z.guid(),
  reportedAt: z.date().nullish(),
  notReportableReason: z.string().trim().min(10).max(2000).nullish(),
});
const cursorKey = z.tuple([z.iso.datetime(), z.guid()]);

/** A clock as GraphQL shows it. */
export interface BreachClockView {
  kind: 'NOTIFY_ASSOCIATION' | 'NOTIFY_AUTHORITY';
  state: 'NOT_STARTED' | 'RUNNING' | 'DONE' | 'LATE' | 'OVERDUE';
  dueAt: Date | null;
  doneAt: Date | null;
}

export interface BreachNoticeView {
  breachId: string;
  associationId: string;
  suspectedAt: Date;
  description: string;
  dataCategories: string[];
  notifiedAt: Date | null;
  reportedToAuthorityAt: Date | null;
  notReportableReason: string | null;
  clocks: BreachClockView[];
}

export interface BreachView extends BreachRow {
  notices: BreachNoticeView[];
}

const SWEEP_BATCH = 100;

/**
 * The breach register (docs/decisions/0040; the data-processing agreement): operators record a suspected breach
 * with the associations it touches and tell them (`breach.notified`, within 24 hours of the suspicion); each board
 * records its report to Datatilsynet within 72 hours of being told, or why the breach is not reportable. A sweep
 * announces every clock that ran out undone (`breach.clock_overdue`, once per clock).
 */
export class BreachesService {
  constructor(
    private readonly repository: BreachesRepository,
    private readonly associations: CurrentAssociations,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async record(viewer: Viewer | null, raw: unknown): Promise<BreachView> {
    requireOperator(viewer);
    const input = parseInput(recordInput, raw);
    const now = this.now();
    const suspectedAt = input.suspectedAt;
    const refusal = refuseSuspectedAt(suspectedAt, now);
    if (refusal) throw badInput('suspectedAt', refusal);
    const associationIds = [...new Set(input.associationIds)];
    const known = new Set((await this.associations.list()).map((a) => a.associationId));
    const unknown = associationIds.filter((id) => !known.has(id));
    if (unknown.length > 0) {
      throw fail('BAD_USER_INPUT', 'associationIds: these are no current associations.', { field: 'associationIds', unknown: unknown.slice(0, 20) });
    }
    const id = randomUUID();
    const facts = { suspectedAt, description: input.description, dataCategories: input.dataCategories };
    const breach = await this.repository.record(
      { id, ...facts, recordedAt: now, recordedBy: viewer!.accountId },
      associationIds.map((associationId) => ({ associationId, breachId: id, ...facts, notifyDueAt: notifyAssociationDueAt(suspectedAt) })),
    );
    return (await this.withNotices([breach]))[0]!;
  }

  /** Tells every affected association not yet told; CONFLICT when all were told already. */
  async notify(viewer: Viewer | null, raw: unknown): Promise<BreachView> {
    requireOperator(viewer);
    const { breachId } = parseInput(notifyInput, raw);
    const breach = await this.repository.find(breachId);
    if (!breach) throw notFound('The breach');
    const at = this.now();
    const authorityDeadline = notifyAuthorityDueAt(at);
    const told = await this.repository.notify(breachId, at, authorityDeadline, (notice) => ({
      topic: 'breach.notified',
      associationId: notice.associationId,
      payload: {
        breachId,
        suspectedAt: breach.suspectedAt.toISOString(),
        notifiedAt: at.toISOString(),
        authorityDeadline: authorityDeadline.toISOString(),
        dataCategories: breach.dataCategories,
        description: breach.description,
      },
    }));
    if (told.length === 0) throw conflict('Every affected association has been told of this breach already.');
    return (await this.withNotices([breach]))[0]!;
  }

  async recordAuthorityReport(viewer: Viewer | null, raw: unknown): Promise<BreachNoticeView> {
    if (!viewer) throw unauthenticated();
    if (!canRecordAuthorityReport(viewer)) throw forbidden('The board records what the association reported to Datatilsynet.');
    const input = parseInput(authorityInput, raw);
    if ((input.reportedAt == null) === (input.notReportableReason == null)) {
      throw badInput('reportedAt', 'reportedAt: give when it was reported to Datatilsynet, or notReportableReason, not both.');
    }
    const now = this.now();
    const reportedAt = input.reportedAt ?? null;
    const { notice, recorded } = await this.repository.recordAuthority(viewer.associationId, input.breachId, (told) => {
      const refusal = reportedAt && refuseReportedAt(reportedAt, told.notifiedAt!, now);
      if (refusal) throw badInput('reportedAt', refusal);
      return {
        reportedToAuthorityAt: reportedAt,
        notReportableReason: input.notReportableReason ?? null,
        authorityRecordedAt: now,
        authorityRecordedBy: viewer.memberId,
      };
    });
    if (!notice) throw notFound('The breach');
    if (!recorded) throw conflict('The association’s report on this breach is recorded already.');
    return this.view(notice, now);
  }

  async list(viewer: Viewer | null, args: { first?: number | null; after?: string | null }): Promise<Page<BreachView>> {
    requireOperator(viewer);
    const size = pageSize(args.first);
    const after = args.after ? decodeCursor(args.after, cursorKey) : null;
    const rows = await this.repository.page(size + 1, after ? { suspectedAt: after[0], id: after[1] } : null);
    const page = toPage(rows, size, (row) => [row.suspectedAt.toISOString(), row.id]);
    return { ...page, nodes: await this.withNotices(page.nodes) };
  }

  /** The breaches the association was told of, with both clocks: its board and operators. */
  async ofAssociation(viewer: Viewer | null, associationId: string, args: { first?: number | null; after?: string | null }): Promise<Page<BreachNoticeView>> {
    if (!viewer) throw unauthenticated();
    if (!canSeeBreachNotices(viewer, associationId)) throw forbidden('Breaches are for the board and the provider’s operators.');
    const size = pageSize(args.first);
    const after = args.after ? decodeCursor(args.after, cursorKey) : null;
    const rows = await this.repository.noticesOfAssociation(associationId, size + 1, after ? { suspectedAt: after[0], id: after[1] } : null);
    const page = toPage(rows, size, (row) => [row.suspectedAt.toISOString(), row.breachId]);
    const now = this.now();
    return { ...page, nodes: page.nodes.map((notice) => this.view(notice, now)) };
  }

  /** Announces the clocks that ran out undone; resolves to how many (a full batch means more wait). */
  sweep(): Promise<number> {
    return this.repository.sweepOverdue(this.now(), SWEEP_BATCH, (due) => ({
      topic: 'breach.clock_overdue',
      associationId: due.associationId,
      payload: { breachId: due.breachId, clock: due.clock, dueAt: due.dueAt.toISOString() },
    }));
  }

  /** The sweep every minute, at once again while a batch was full. */
  sweepJob(intervalMs = 60_000): BackgroundJob {
    return new PeriodicJob('breach-clocks', intervalMs, async () => (await this.sweep()) >= SWEEP_BATCH, createLogger('breach-clocks'));
  }

  private async withNotices(rows: BreachRow[]): Promise<BreachView[]> {
    const notices = await this.repository.noticesOf(rows.map((row) => row.id));
    const now = this.now();
    return rows.map((row) => ({
      ...row,
      notices: notices.filter((n) => n.breachId === row.id).map((n) => this.view(n, now)),
    }));
  }

  private view(notice: BreachNoticeRow, now: Date): BreachNoticeView {
    const authorityDoneAt = notice.authorityRecordedAt ? (notice.reportedToAuthorityAt ?? notice.authorityRecordedAt) : null;
    const clocks = clocksOf({ suspectedAt: notice.suspectedAt, notifiedAt: notice.notifiedAt, authorityDoneAt }, now);
    return {
      breachId: notice.breachId,
      associationId: notice.associationId,
      suspectedAt: notice.suspectedAt,
      description: notice.description,
      dataCategories: notice.dataCategories,
      notifiedAt: notice.notifiedAt,
      reportedToAuthorityAt: notice.reportedToAuthorityAt,
      notReportableReason: notice.notReportableReason,
      clocks: clocks.map((clock) => ({
        kind: clock.clock === 'notify_association' ? 'NOTIFY_ASSOCIATION' : 'NOTIFY_AUTHORITY',
        state: clock.state.toUpperCase() as BreachClockView['state'],
        dueAt: clock.dueAt,
        doneAt: clock.doneAt,
      })),
    };
  }
}

function requireOperator(viewer: Viewer | null): void {
  if (!viewer) throw unauthenticated();
  if (!canKeepBreachRegister(viewer)) throw forbidden('The breach register is kept by the provider’s operators.');
}

function badInput(field: string, message: string) {
  return fail('BAD_USER_INPUT', message, { field });
}
