import type { Resolvers } from '../__generated__/resolvers-types';
import { requestsCsv } from './reporting-csv.rules';

/** Reporting's fields (decision 0044): thin; the service checks the add-on and the viewer, the rules count and render. */
export const reportingResolvers: Resolvers = {
  Query: {
    serviceRequestReport: (_parent, args, ctx) => ctx.reporting.report(ctx, args),
  },
  ServiceRequestReport: {
    csv: (report, { language }) => requestsCsv(report.requests, language === 'EN' ? 'en' : 'nb', report.timeZone),
    overdue: (report, _args, ctx) => ctx.reporting.overdue(report),
  },
};
