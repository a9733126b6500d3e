import type { GraphQLError } from 'graphql';
import { detectDelimiter, parseCsv, readCsvRows } from './csv';
import { parseDate, parseRelation, validateRows } from './import-rows';

const failureOf = (fn: () => unknown) => {
  try {
    fn();
    return null;
  } catch (error) {
    return { code: (error as GraphQLError).extensions.code, field: (error as GraphQLError).extensions.field, message: (error as Error).message };
  }
};

describe('CSV upload', () => {
  it('reads a semicolon file from a Norwegian spreadsheet: BOM, CRLF, Norwegian headers and words, DD.MM.YYYY', () => {
    const csv =
      '\uFEFFAndelsnummer;Navn;E-post;Telefon;Relasjon;Innflytting;Utflytting\r\n' +
      '3;Kari Nordmann;Kari@Solbakken.example;+47 912 34 567;Eier;01.05.2016;\r\n' +
      '4;Åse Berg;;;leietaker;1.1.2023;31.12.2026\r\n';

    const { rows, rejected } = validateRows(readCsvRows(csv));

    expect(rejected).toEqual([]);
    expect(rows).toEqual([
      {
        line: 2,
        position: 0,
        unit: { shareNumber: '3' },
        name: 'Kari Nordmann',
        email: 'kari@solbakken.example',
        phone: '+47 912 34 567',
        relation: 'owner',
        contractNumber: null,
        moveIn: '2016-05-01',
        moveOut: null,
      },
      expect.objectContaining({ line: 3, name: 'Åse Berg', email: null, relation: 'tenant', moveIn: '2023-01-01', moveOut: '2026-12-31' }),
    ]);
  });

  it('reads a comma file with English headers and quoted fields holding commas, quotes and line breaks', () => {
    const csv = [
      'building,unit,name,relation,contract_number,move_in',
      'Blokk A,H0101,"Hansen, Ola",owner,"K-""17""",2019-08-15',
      'Blokk A,H0101,"Ingrid',
      'Hansen",co_owner,,2019-08-15',
      'Blokk B,H0102,Per Ødegård,OCCUPANT,,',
    ].join('\n');

    const { rows, rejected } = validateRows(readCsvRows(csv));

    expect(rejected).toEqual([]);
    expect(rows.map((r) => [r.line, r.unit, r.name, r.relation, r.contractNumber])).toEqual([
      [2, { building: 'Blokk A', number: 'H0101' }, 'Hansen, Ola', 'owner', 'K-"17"'],
      [3, { building: 'Blokk A', number: 'H0101' }, 'Ingrid Hansen', 'co_owner', null],
      [5, { building: 'Blokk B', number: 'H0102' }, 'Per Ødegård', 'occupant', null],
    ]);
  });

  it('numbers lines as an editor does: blank lines skipped but counted, a multi-line field counted in full', () => {
    const records = parseCsv('a;b\n\n"x\r\ny";1\r\n\r\nz;2\rw;3', ';');
    expect(records).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 3, fields: ['x\r\ny', '1'] },
      { line: 6, fields: ['z', '2'] },
      { line: 7, fields: ['w', '3'] },
    ]);
  });

  it('keeps an empty quoted field, and a quote inside an unquoted field as a character', () => {
    expect(parseCsv('"";a"b;""""', ';')).toEqual([{ line: 1, fields: ['', 'a"b', '"'] }]);
  });

  it('takes the delimiter from the header line', () => {
    expect(detectDelimiter('navn;relasjon;andelsnummer\nOla, Kari;eier;1')).toBe(';');
    expect(detectDelimiter('name,relation,share_number\nOla;Kari,owner,1')).toBe(',');
  });

  it('rejects a line with the wrong number of fields on its own, by line', () => {
    const csv = 'andelsnummer;navn;relasjon;\n1;Ola;eier;\n2;Kari\n3;Per;eier;';
    const { rows, rejected } = validateRows(readCsvRows(csv));
    expect(rows.map((r) => r.line)).toEqual([2, 4]);
    expect(rejected).toEqual([{ line: 3, field: null, reason: 'The line has 2 fields; the header has 4.' }]);
  });

  it('refuses the whole upload when its structure is wrong', () => {
    expect(failureOf(() => readCsvRows(''))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'csv' });
    expect(failureOf(() => readCsvRows('andelsnummer;navn;mobil;relasjon\n1;Ola;900;eier'))).toMatchObject({
      field: 'csv',
      message: expect.stringContaining('unknown column "mobil"'),
    });
    expect(failureOf(() => readCsvRows('andelsnummer;navn\n1;Ola'))).toMatchObject({ message: expect.stringContaining('relasjon/relation') });
    expect(failureOf(() => readCsvRows('leilighet;navn;relasjon\nH0101;Ola;eier'))).toMatchObject({ message: expect.stringContaining('andelsnummer') });
    expect(failureOf(() => readCsvRows('navn;name;relasjon;andelsnummer\n'))).toMatchObject({ message: expect.stringContaining('two columns') });
    expect(failureOf(() => readCsvRows('andelsnummer;navn;relasjon\n1;"Ola;eier\n2;Kari;eier'))).toMatchObject({
      message: 'Line 2: a quoted field is never closed.',
    });
  });
});

describe('row values', () => {
  it('accepts dates as YYYY-MM-DD and DD.MM.YYYY, only real calendar dates', () => {
    expect(parseDate('2024-02-29')).toBe('2024-02-29');
    expect(parseDate('29.02.2024')).toBe('2024-02-29');
    expect(parseDate('1.8.2019')).toBe('2019-08-01');
    for (const wrong of ['2023-02-29', '31.04.2024', '2024-13-01', '15/08/2019', '2019-8-15', '01.01.0219', 'i går']) {
      expect(parseDate(wrong)).toBeNull();
    }
  });

  it('accepts relations in Norwegian, English and as enum values', () => {
    expect(['Eier', 'MEDEIER', 'leietaker', 'beboer', 'co-owner', 'CO_OWNER', 'tenant'].map(parseRelation)).toEqual([
      'owner',
      'co_owner',
      'tenant',
      'occupant',
      'co_owner',
      'co_owner',
      'tenant',
    ]);
    expect(parseRelation('fremleier')).toBeNull();
  });

  it('rejects each bad row with its line, field and reason, and keeps the good ones', () => {
    const csv = [
      'andelsnummer;bygning;leilighet;navn;e-post;telefon;relasjon;innflytting;utflytting',
      '1;;;Ola Hansen;ola@example.com;;eier;2019-08-15;',
      '2;;;;x@example.com;;eier;;',
      '3;;;Kari;kari@;;eier;;',
      '4;;;Per;;ring meg;eier;;',
      '5;;;Åse;;;fremleier;;',
      '1;;;Nina;;;eier;31.02.2020;',
      '1;;;Nils;;;eier;2020-01-01;2019-12-31',
      ';Blokk A;;Liv;;;eier;;',
      ';;;Tor;;;eier;;',
    ].join('\n');

    const { rows, rejected } = validateRows(readCsvRows(csv));

    expect(rows.map((r) => r.line)).toEqual([2]);
    expect(rejected.map(({ line, field }) => [line, field])).toEqual([
      [3, 'name'],
      [4, 'email'],
      [5, 'phone'],
      [6, 'relation'],
      [7, 'moveIn'],
      [8, 'moveOut'],
      [9, 'unitNumber'],
      [10, 'shareNumber'],
    ]);
    expect(rejected[4]!.reason).toBe('"31.02.2020" is not a date: use YYYY-MM-DD or DD.MM.YYYY.');
  });
});
