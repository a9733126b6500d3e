import { csvCell, safeEntryName, safeSegment, tableCsv } from './archive-files.rules';

describe('CSV cells', () => {
  it('quotes commas, quotes and line breaks (RFC 4180)', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('line\nbreak')).toBe('"line\nbreak"');
  });

  it('defuses cells a spreadsheet would run as a formula', () => {
    expect(csvCell('=HYPERLINK("http://evil","x")')).toBe(`"'=HYPERLINK(""http://evil"",""x"")"`);
    expect(csvCell('+47 912 34 567')).toBe("'+47 912 34 567");
    expect(csvCell('-1')).toBe("'-1");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('\tcmd')).toBe("'\tcmd");
  });

  it('writes null as empty, dates as ISO and objects as JSON', () => {
    expect(csvCell(null)).toBe('');
    expect(csvCell(new Date('2026-03-01T10:00:00Z'))).toBe('2026-03-01T10:00:00.000Z');
    expect(csvCell({ a: 1 })).toBe('"{""a"":1}"');
    expect(csvCell(3)).toBe('3');
  });
});

describe('a table as CSV', () => {
  it('starts with a BOM, lines end in CRLF, and the header is every column seen', () => {
    const csv = tableCsv([{ name: 'Åse Ødegård' }, { name: 'Bjørn', phone: '+4791234567' }]);
    expect(csv).toBe("\uFEFFname,phone\r\nÅse Ødegård,\r\nBjørn,'+4791234567\r\n");
  });

  it('is a BOM and an empty header for no rows', () => {
    expect(tableCsv([])).toBe('\uFEFF\r\n');
  });
});

describe('entry names', () => {
  it('keep a name inside its folder', () => {
    expect(safeEntryName('../../etc/passwd')).toBe('_.._etc_passwd');
    expect(safeEntryName('C:\\Windows\\x.txt')).toBe('C__Windows_x.txt');
    expect(safeEntryName('..')).toBe('file');
    expect(safeEntryName('')).toBe('file');
  });

  it('drop control and bidi characters and keep Norwegian letters', () => {
    expect(safeEntryName('rapport\u202Efdp.exe')).toBe('rapportfdp.exe');
    expect(safeEntryName('årsmøte\u0000.pdf')).toBe('årsmøte.pdf');
  });

  it('are at most 100 characters', () => {
    expect(safeEntryName('a'.repeat(300))).toHaveLength(100);
  });

  it('folder names are lowercase words', () => {
    expect(safeSegment('Posts')).toBe('posts');
    expect(safeSegment('../x')).toBe('___x');
    expect(safeSegment('')).toBe('_');
  });
});
