import { renderDeletionReceipt } from './deletion-receipt.rules';
import type { ClosureRow } from './closures.repository';

const closure: ClosureRow = {
  associationId: '11111111-1111-4111-8111-111111111111',
  terminationId: '22222222-2222-4222-8222-222222222222',
  terminatedOn: '2026-03-01',
  timeZone: 'Europe/Oslo',
  startedBy: 'event',
  exportDueOn: '2026-04-01',
  availableUntil: '2026-06-01',
  eraseBy: '2026-11-28',
  status: 'erasing',
  archiveKey: null,
  sizeBytes: null,
  readyAt: null,
  erasedAt: null,
  receiptNb: null,
  receiptEn: null,
};

describe('the written deletion receipt', () => {
  const input = {
    closure,
    steps: [
      {
        phase: 'erase' as const,
        subgraph: 'posts',
        attempts: 2,
        lastError: null,
        doneAt: new Date('2026-06-02T08:00:00Z'),
        receipt: [{ table: 'posts', action: 'erased' as const, rows: 12, lawfulBasis: 'contract' as const, keptUntil: null, note: null }],
      },
      {
        phase: 'erase' as const,
        subgraph: 'billing',
        attempts: 1,
        lastError: null,
        doneAt: new Date('2026-06-02T08:05:00Z'),
        receipt: [
          {
            table: 'invoices',
            action: 'kept' as const,
            rows: 3,
            lawfulBasis: 'legal_obligation' as const,
            keptUntil: '2031-12-31',
            note: 'bookføringsloven § 13',
          },
        ],
      },
    ],
    own: { erased: { settings: 1, requests: 0 }, appendOnly: ['access_log'] },
    handover: [
      {
        issuedAt: new Date('2026-03-10T12:00:00Z'),
        expiresAt: new Date('2026-03-17T12:00:00Z'),
        downloads: 2,
        lastDownloadAt: new Date('2026-03-11T07:30:00Z'),
      },
    ],
    erasedAt: new Date('2026-06-02T08:06:00Z'),
  };

  it('says when the agreement ended, when the copy was available and when deletion completed, in the association’s zone', () => {
    const nb = renderDeletionReceipt(input, 'nb');
    expect(nb).toContain('# Bekreftelse på sletting');
    expect(nb).toContain('opphørte 2026-03-01');
    expect(nb).toContain('til og med 2026-06-01');
    expect(nb).toContain('Slettingen ble fullført: 2026-06-02 10:06 GMT+2 (frist 2026-11-28).');
  });

  it('lists what each subgraph confirmed, when, and what the law keeps until when', () => {
    const en = renderDeletionReceipt(input, 'en');
    expect(en).toContain('| posts | posts | erased | 12 | 2026-06-02 10:00 GMT+2 |');
    expect(en).toContain('| privacy | settings | erased | 1 | 2026-06-02 10:06 GMT+2 |');
    expect(en).toContain('- billing.invoices: 3 (2031-12-31; bookføringsloven § 13)');
    expect(en).toContain('| privacy | access\\_log | kept | — |');
    expect(en).toContain('- privacy.access\\_log: the pseudonymous append-only access log (decision 0039); not deleted by this job');
    expect(en).toContain('Database backups are governed by the hosting environment');
  });

  it('says how the copy was handed over: each link, until when it worked and how often it was used, or that none was issued', () => {
    const en = renderDeletionReceipt(input, 'en');
    expect(en).toContain('The copy was handed over through these download links from Tunet:');
    expect(en).toContain('| 2026-03-10 13:00 GMT+1 | 2026-03-17 13:00 GMT+1 | 2 | 2026-03-11 08:30 GMT+1 |');
    expect(renderDeletionReceipt({ ...input, handover: [] }, 'nb')).toContain('Ingen nedlastingslenke til kopien ble utstedt før den ble slettet.');
  });
});
