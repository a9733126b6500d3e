import type { PrivacyPart } from '../privacy/privacy.routes';
import type { AccessLogRepository } from './access-log.repository';

/**
 * The access log's share of a person's export and erasure (docs/decisions/0039): the export shows who read or
 * changed their data; erasure deletes their pseudonym mapping and the reasons given for reading their data, so the
 * entries about them and by them stay in the chain, verifiable and no longer anyone's.
 */
export function accessLogPrivacyPart(repository: AccessLogRepository): PrivacyPart {
  return {
    tables: ['pseudonyms', 'access_log', 'access_log_reasons'],
    export: async (tx, { associationId, memberId }) => {
      const { pseudonyms, entries } = await repository.exportOf(tx, associationId, memberId);
      return {
        pseudonyms,
        access_log: entries.map(({ reason: _reason, ...entry }) => entry),
        access_log_reasons: entries.flatMap((entry) => (entry.reason === null ? [] : [{ sequence: entry.sequence, reason: entry.reason }])),
      };
    },
    erase: async (tx, { associationId, memberId }) => {
      const erased = await repository.erase(tx, associationId, memberId);
      return [
        { table: 'pseudonyms', action: 'erased', rows: erased.pseudonyms },
        { table: 'access_log_reasons', action: 'erased', rows: erased.reasons },
        {
          table: 'access_log',
          action: 'anonymised',
          rows: erased.entries,
          note: 'The entries stay in the tamper-evident log under a pseudonym that no longer leads to the person.',
        },
      ];
    },
  };
}
