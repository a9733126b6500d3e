import { animatedGif, docx, odt, ods, pdf, phoneJpeg, png, pptx, xlsx, zipOf } from './files.fixtures';
import { DOCX, ODS, ODT, PPTX, sniffContentType, XLSX } from './sniff';

describe('sniffContentType', () => {
  it.each([
    ['a JPEG', () => phoneJpeg(), 'image/jpeg'],
    ['a PNG', () => png(4, 4), 'image/png'],
    ['a GIF', () => animatedGif(), 'image/gif'],
    ['a PDF', async () => pdf(), 'application/pdf'],
    ['a DOCX', async () => docx(), DOCX],
    ['an XLSX', async () => xlsx(), XLSX],
    ['a PPTX', async () => pptx(), PPTX],
    ['an ODT', async () => odt(), ODT],
    ['an ODS', async () => ods(), ODS],
  ])('recognises %s by its bytes, whatever it is called', async (_case, make, type) => {
    const bytes = await make();
    expect(sniffContentType(bytes, 'innkalling.txt')).toBe(type);
    expect(sniffContentType(bytes, 'no-extension')).toBe(type);
  });

  it('recognises WebP by its RIFF header', () => {
    const webp = Buffer.concat([Buffer.from('RIFF'), Buffer.alloc(4), Buffer.from('WEBPVP8 '), Buffer.alloc(20)]);
    expect(sniffContentType(webp, 'bilde.webp')).toBe('image/webp');
  });

  it('takes UTF-8 text as plain text, or CSV when the name says so', () => {
    const text = Buffer.from('\ufeffNavn;Leilighet\nÅse Ødegård;H0101\r\n');
    expect(sniffContentType(text, 'beboere.csv')).toBe('text/csv');
    expect(sniffContentType(text, 'beboere.txt')).toBe('text/plain');
  });

  it.each([
    ['a Windows program', Buffer.concat([Buffer.from('MZ'), Buffer.alloc(64, 0x90)])],
    ['a shell script with a NUL byte', Buffer.from('#!/bin/sh\u0000rm -rf /')],
    ['Latin-1 text, which is not UTF-8', Buffer.from('bl\xe5b\xe6r', 'latin1')],
    ['a zip that is no office document', zipOf([['virus.exe', 'MZ']])],
    ['a zip claiming to be Word without its main part', zipOf([['[Content_Types].xml', '<Types/>']])],
    ['an OpenDocument drawing, which is not accepted', zipOf([['mimetype', 'application/vnd.oasis.opendocument.graphics']])],
    ['a truncated zip', docx().subarray(0, 40)],
    ['an empty file', Buffer.alloc(0)],
  ])('refuses %s', (_case, bytes) => {
    expect(sniffContentType(bytes, 'dokument.docx')).toBeNull();
  });
});
