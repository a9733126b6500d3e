/**
 * What a file is, decided from its bytes alone: the name and the type a client claims are never trusted, so an
 * HTML page renamed to .pdf is refused rather than served. Only the types below are accepted. Pure functions.
 */

export const IMAGE_TYPES = ['image/jpeg', 'image/png', 'image/webp', 'image/gif'] as const;
export type ImageType = (typeof IMAGE_TYPES)[number];

export const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
export const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
export const PPTX = 'application/vnd.openxmlformats-officedocument.presentationml.presentation';
export const ODT = 'application/vnd.oasis.opendocument.text';
export const ODS = 'application/vnd.oasis.opendocument.spreadsheet';

/** The accepted types and the file name extensions that belong to each; the first is used when one is missing. */
export const EXTENSIONS: Record<string, readonly string[]> = {
  'image/jpeg': ['jpg', 'jpeg'],
  'image/png': ['png'],
  'image/webp': ['webp'],
  'image/gif': ['gif'],
  'application/pdf': ['pdf'],
  'text/plain': ['txt', 'text', 'md'],
  'text/csv': ['csv'],
  [DOCX]: ['docx'],
  [XLSX]: ['xlsx'],
  [PPTX]: ['pptx'],
  [ODT]: ['odt'],
  [ODS]: ['ods'],
};

export function isImageType(contentType: string): contentType is ImageType {
  return (IMAGE_TYPES as readonly string[]).includes(contentType);
}

/**
 * The content type of `bytes`, or null when it is none of the accepted ones. The name only chooses between
 * text/csv and text/plain, which no byte tells apart.
 */
export function sniffContentType(bytes: Buffer, fileName: string): string | null {
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (ascii(bytes, 0, 6) === 'GIF87a' || ascii(bytes, 0, 6) === 'GIF89a') return 'image/gif';
  if (ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 12) === 'WEBP') return 'image/webp';
  if (ascii(bytes, 0, 5) === '%PDF-') return 'application/pdf';
  if (startsWith(bytes, [0x50, 0x4b, 0x03, 0x04])) return sniffZip(bytes);
  if (isPlainText(bytes)) return /\.csv$/i.test(fileName) ? 'text/csv' : 'text/plain';
  return null;
}

/**
 * Office documents are zip archives told apart by what they contain. OpenDocument puts its type, uncompressed, in
 * a first entry named `mimetype`; Office Open XML has `[Content_Types].xml` and one main part per kind.
 */
function sniffZip(bytes: Buffer): string | null {
  const mimetype = openDocumentType(bytes);
  if (mimetype === ODT || mimetype === ODS) return mimetype;
  const names = zipEntryNames(bytes);
  if (!names?.has('[Content_Types].xml')) return null;
  if (names.has('word/document.xml')) return DOCX;
  if (names.has('xl/workbook.xml')) return XLSX;
  if (names.has('ppt/presentation.xml')) return PPTX;
  return null;
}

function openDocumentType(bytes: Buffer): string | null {
  const nameLength = bytes.length >= 30 ? bytes.readUInt16LE(26) : 0;
  const extraLength = bytes.length >= 30 ? bytes.readUInt16LE(28) : 0;
  const compression = bytes.length >= 30 ? bytes.readUInt16LE(8) : -1;
  if (compression !== 0 || ascii(bytes, 30, 30 + nameLength) !== 'mimetype') return null;
  const size = bytes.readUInt32LE(18);
  const start = 30 + nameLength + extraLength;
  return ascii(bytes, start, start + Math.min(size, 100));
}

const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const CENTRAL_DIRECTORY_ENTRY = 0x02014b50;

/** The entry names listed in a zip's central directory, or null when the archive is malformed. */
export function zipEntryNames(bytes: Buffer): Set<string> | null {
  // The end record is 22 bytes plus a comment of at most 65 535 bytes, so it starts within the last 65 557.
  let end = -1;
  for (let at = bytes.length - 22; at >= Math.max(0, bytes.length - 65_557); at--) {
    if (bytes.readUInt32LE(at) === END_OF_CENTRAL_DIRECTORY) {
      end = at;
      break;
    }
  }
  if (end < 0) return null;
  const count = bytes.readUInt16LE(end + 10);
  let at = bytes.readUInt32LE(end + 16);
  const names = new Set<string>();
  for (let i = 0; i < count; i++) {
    if (at + 46 > bytes.length || bytes.readUInt32LE(at) !== CENTRAL_DIRECTORY_ENTRY) return null;
    const nameLength = bytes.readUInt16LE(at + 28);
    const skip = bytes.readUInt16LE(at + 30) + bytes.readUInt16LE(at + 32);
    if (at + 46 + nameLength > bytes.length) return null;
    names.add(bytes.toString('utf8', at + 46, at + 46 + nameLength));
    at += 46 + nameLength + skip;
  }
  return names;
}

/** Non-empty UTF-8 (a BOM allowed) without NUL or other control characters than tab, line feed, carriage return, form feed. */
function isPlainText(bytes: Buffer): boolean {
  if (bytes.length === 0) return false;
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return false;
  }
  // eslint-disable-next-line no-control-regex -- control characters (bar tab and line breaks) are what marks binary
  return !/[\u0000-\u0008\u000b\u000e-\u001f\u007f]/.test(text);
}

function startsWith(bytes: Buffer, prefix: number[]): boolean {
  return bytes.length >= prefix.length && prefix.every((byte, i) => bytes[i] === byte);
}

function ascii(bytes: Buffer, from: number, to: number): string {
  return bytes.length >= to ? bytes.toString('latin1', from, to) : '';
}
