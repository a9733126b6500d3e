import { BUILT_IN_PURPOSES } from '../purposes/purposes.rules';
import { recordsCsv, recordsMarkdown, SECURITY_MEASURES, type RecordsOfProcessing } from './records.rules';

const records: RecordsOfProcessing = {
  generatedAt: new Date('2026-12-06T21:30:00Z'),
  timeZone: 'Europe/Oslo',
  controller: { name: 'Solbakken borettslag', organisationNumber: '987654325', contactName: 'Kari Nordmann', contactEmail: 'personvern@solbakken.example' },
  processor: { name: 'Tunet', organisationNumber: null, contactName: null, contactEmail: null },
  activities: [
    ...BUILT_IN_PURPOSES.slice(0, 2),
    { ...BUILT_IN_PURPOSES[0]!, key: 'own', name: { nb: '=HYPERLINK("x") *fet*', en: 'Own "quoted"' }, builtIn: false },
  ],
  recipients: [
    {
      name: 'Apple Push Notification service (Apple Inc.)',
      purpose: { nb: 'Push-varsler.', en: 'Push notifications.' },
      country: 'USA',
      dataCategories: ['push endpoint'],
      transferMechanism: 'EU standard contractual clauses',
    },
  ],
  retentionMonthsAfterMoveOut: 12,
  securityMeasures: [...SECURITY_MEASURES],
};

describe('records of processing activities', () => {
  it('names controller, processor, every purpose with its basis, the recipients and the security measures, in Norwegian', () => {
    const text = recordsMarkdown(records, 'nb');
    expect(text).toContain('# Protokoll over behandlingsaktiviteter');
    expect(text).toContain('## Behandlingsansvarlig\n- Solbakken borettslag\n- Org.nr.: 987654325');
    expect(text).toContain('### Beboerregister');
    expect(text).toContain('- Behandlingsgrunnlag: Samtykke (art. 6(1)(a))');
    expect(text).toContain('12 måneder etter utflytting');
    expect(text).toContain('- Overføringsgrunnlag: EU standard contractual clauses');
    expect(text).toContain('6. desember 2026 kl. 22:30');
    expect(text).toContain('radnivåsikkerhet');
  });

  it('speaks English when asked, and escapes what people wrote', () => {
    const text = recordsMarkdown(records, 'en');
    expect(text).toContain('- Lawful basis: Contract (art. 6(1)(b))');
    expect(text).toContain('## Processor\n- Tunet\n- Org. no.: not given');
    expect(recordsMarkdown(records, 'nb')).toContain('### =HYPERLINK("x") \\*fet\\*');
  });

  it('writes one CSV row per purpose, quoted, with no formula a spreadsheet would run', () => {
    const lines = recordsCsv(records, 'en').trimEnd().split('\r\n');
    expect(lines).toHaveLength(4);
    expect(lines[0]).toBe('"key","Purposes and processing","Lawful basis","Categories of personal data","Retention"');
    expect(lines[1]).toMatch(/^"member_directory","Member directory","Contract \(art\. 6\(1\)\(b\)\)","name, unit, roles",/);
    expect(recordsCsv(records, 'nb').split('\r\n')[3]).toMatch(/^"own","'=HYPERLINK\(""x""\) \*fet\*",/);
  });
});
