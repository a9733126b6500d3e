import { verifyAccessLog } from '@tunet/privacy';
import { flagValues, UsageError, withDatabase, type Command } from './cli';

/**
 * Walks the privacy access log's hash chain of every association (or one) and names the first broken entry; exit 1
 * when one is broken (docs/decisions/0039).
 */
export const verifyAccessLogCommand: Command = {
  name: 'verify-access-log',
  usage: 'verify-access-log [--association <id>]',
  async run(rest) {
    const association = flagValues(rest, ['--association']).get('--association') ?? [];
    if (association.length > 1) throw new UsageError();
    return withDatabase(async (database) => {
      const reports = await verifyAccessLog(database, association[0]);
      for (const report of reports) {
        const verdict = report.broken ? `BROKEN at entry ${report.broken.entryId ?? '(none left)'} (${report.broken.problem})` : 'ok';
        console.log(`${report.associationId}: ${report.entries} entries, ${verdict}`);
      }
      if (reports.length === 0) console.log('No access log entries.');
      return reports.some((report) => report.broken) ? 1 : 0;
    });
  },
};
