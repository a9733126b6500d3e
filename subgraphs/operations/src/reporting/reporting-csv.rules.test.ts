import { csvCell, requestsCsv, type ExportedRequest } from './reporting-csv.rules';

const leak: ExportedRequest = {
  id: '6f1c1a52-3c1e-4c55-9a43-4a7c2b0f9e01',
  status: 'resolved',
  category: 'plumbing',
  urgency: 'urgent',
  title: 'Lekkasje på badet, gulvet er vått',
  locationKind: 'unit',
  place: null,
  createdAt: new Date('2026-03-02T08:00:00Z'),
  firstAcknowledgedAt: new Date('2026-03-02T09:30:00Z'),
  firstResolvedAt: new Date('2026-03-03T08:00:00Z'),
};
const hostile: ExportedRequest = {
  id: '0b5e2d8e-8f43-4d0e-a2b1-7c6d5e4f3a21',
  status: 'new',
  category: 'common_areas',
  urgency: 'normal',
  title: '=HYPERLINK("http://x";"Klikk")',
  locationKind: 'common_area',
  place: 'Vaskeriet; kjeller\nøst',
  createdAt: new Date('2026-03-31T22:30:00Z'),
  firstAcknowledgedAt: null,
  firstResolvedAt: null,
};

describe('csvCell', () => {
  it('quotes cells with the separator, a quote or a line break, doubling quotes', () => {
    expect(csvCell('Vann i kjelleren')).toBe('Vann i kjelleren');
    expect(csvCell('Vann; mye')).toBe('"Vann; mye"');
    expect(csvCell('Sa "hei"')).toBe('"Sa ""hei"""');
    expect(csvCell('to\r\nlinjer')).toBe('"to\r\nlinjer"');
  });

  it('makes a cell a spreadsheet would run as a formula plain text', () => {
    for (const lead of ['=', '+', '-', '@', '\t']) expect(csvCell(`${lead}1+1`)).toBe(`'${lead}1+1`);
    expect(csvCell('\rcmd')).toBe(`"'\rcmd"`);
    expect(csvCell('1+1=2')).toBe('1+1=2');
  });
});

describe('requestsCsv', () => {
  it('is UTF-8 with a byte-order mark, `;` between cells, CRLF line ends and æøå as UTF-8, in Norwegian', () => {
    const bytes = Buffer.from(requestsCsv([leak], 'nb', 'Europe/Oslo'), 'utf8');
    const expected = Buffer.concat([
      Buffer.from([0xef, 0xbb, 0xbf]),
      Buffer.from('Meldt;Kategori;Status;Hastegrad;Tittel;Sted;Først mottatt;Først løst;Timer til mottatt;Timer til løst;Referanse\r\n', 'utf8'),
      Buffer.from(
        '2026-03-02 09:00;Rørlegger;Løst;Haster;Lekkasje på badet, gulvet er vått;Egen bolig;2026-03-02 10:30;2026-03-03 09:00;1,5;24,0;6f1c1a52-3c1e-4c55-9a43-4a7c2b0f9e01\r\n',
        'utf8',
      ),
    ]);
    expect(bytes.equals(expected)).toBe(true);
    // ø of "Først" as the two UTF-8 bytes C3 B8, right after "F" of the header's seventh cell.
    const first = bytes.indexOf(Buffer.from('F', 'latin1'), bytes.indexOf(Buffer.from('Sted;')));
    expect([...bytes.subarray(first, first + 3)]).toEqual([0x46, 0xc3, 0xb8]);
  });

  it('neutralises formulas and quotes what needs it, with times in the association’s zone', () => {
    const [, row] = requestsCsv([hostile], 'nb', 'Europe/Oslo').split('\r\n');
    expect(row).toBe(
      `2026-04-01 00:30;Fellesarealer;Ny;Normal;"'=HYPERLINK(""http://x"";""Klikk"")";"Fellesareal: Vaskeriet; kjeller\nøst";;;;;0b5e2d8e-8f43-4d0e-a2b1-7c6d5e4f3a21`,
    );
  });

  it('has English headers and a decimal point in English', () => {
    const lines = requestsCsv([leak], 'en', 'Europe/Oslo').replace('\uFEFF', '').split('\r\n');
    expect(lines[0]).toBe('Reported;Category;Status;Urgency;Title;Location;First acknowledged;First resolved;Hours to acknowledge;Hours to resolve;Reference');
    expect(lines[1]).toContain(';Plumbing;Resolved;Urgent;');
    expect(lines[1]).toContain(';1.5;24.0;');
    expect(lines[2]).toBe('');
  });

  it('is the header alone for no requests', () => {
    expect(requestsCsv([], 'en', 'Europe/Oslo').split('\r\n')).toHaveLength(2);
  });
});
