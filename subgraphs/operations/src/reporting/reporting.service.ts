import { badUserInput, forbidden, type RequestContext } from '@tunet/kit';
import type { TimeZoneOf } from '../maintenance/maintenance.service';
import type { ServiceRequestRow } from '../service-requests/service-requests.repository';
import { admittedAssociation } from '../service-requests/service-requests.service';
import { canReadReports } from './reporting.access';
import type { ExportedRequest } from './reporting-csv.rules';
import type { ReportingRepository } from './reporting.repository';
import { reportFigures, reportPeriod, type ReportFigures, type ReportPeriod } from './reporting.rules';

/**
 * The most requests a report reads. A year of a large association's faults is a few thousand; past this the board is
 * asked for a shorter period rather than the subgraph holding an unbounded list.
 */
export const MAX_REPORTED_REQUESTS = 20_000;
/** The longest overdue list a report gives: more than a board works through at once. */
export const MAX_OVERDUE = 100;

/** A report as its fields resolve: the period, the figures, and the requests the export lists. */
export type PeriodReport = ReportPeriod & ReportFigures & { associationId: string; requests: ExportedRequest[] };

/** The operations center's figures over a period (decision 0044): the board's, with the add-on only. */
export class ReportingService {
  constructor(
    private readonly repository: ReportingRepository,
    private readonly timeZoneOf: TimeZoneOf,
    private readonly now: () => Date,
  ) {}

  /**
   * The requests reported from `from` to `to` (dates in the association's zone) counted by status and category, with
   * the median times to acknowledge and resolve. The add-on and the viewer are checked before anything is read.
   */
  async report(request: RequestContext, args: { from: string; to: string }): Promise<PeriodReport> {
    const associationId = admittedAssociation(request);
    if (!canReadReports(request.viewer, associationId)) throw forbidden('Only the board reads the operations center’s reports.');
    const period = reportPeriod(args.from, args.to, await this.timeZoneOf(associationId));
    const requests = await this.repository.reportedBetween(associationId, period.start, period.end, MAX_REPORTED_REQUESTS + 1);
    if (requests.length > MAX_REPORTED_REQUESTS) {
      throw badUserInput('to', `to: more than ${MAX_REPORTED_REQUESTS} requests were reported in this period; choose a shorter one.`);
    }
    return { ...period, ...reportFigures(requests), associationId, requests };
  }

  /** The association's requests overdue now, for a report already admitted (the board's or a support session's). */
  overdue(report: PeriodReport): Promise<ServiceRequestRow[]> {
    return this.repository.overdue(report.associationId, this.now(), MAX_OVERDUE);
  }
}
