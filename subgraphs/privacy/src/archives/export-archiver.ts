import type { FileStorage, PrivacyExportAnswer } from '@tunet/kit';
import { strToU8, Zip, ZipDeflate, ZipPassThrough } from 'fflate';
import { safeEntryName, safeSegment, tableCsv } from './archive-files.rules';
import { renderSummary, type ArchiveContext } from './archive-summary.rules';

export interface ArchivePart {
  subgraph: string;
  answer: PrivacyExportAnswer;
}

export interface ArchiveInput {
  associationId: string;
  requestId: string;
  /** Whose data; null for a terminated association's export of everything. */
  memberId: string | null;
  parts: readonly ArchivePart[];
  /**
   * The bytes of a file a subgraph's export listed (its `privacy/export-file` route, or
   * `privacy/export-association-file` for an association's export), or null when the subgraph no longer has it
   * (deleted since it answered: the summary says so); no function at all lists the files without their bytes.
   */
  fetchFile: ((subgraph: string, fileId: string) => Promise<Buffer | null>) | null;
}

export interface BuiltArchive {
  archiveKey: string;
  sizeBytes: number;
}

/** Where an archive is kept in the file storage: one per request. */
export function archiveKeyOf(associationId: string, requestId: string): string {
  return `${associationId}/${requestId}/archive`;
}

/** Uploaded files are mostly compressed already (JPEG, PDF, Office zips): stored as they are, not deflated again. */
const DEFLATED_TYPES = /^(text\/|application\/json$|image\/svg\+xml$)/;

/**
 * Builds a person's export archive (GDPR art. 15 and 20) from every subgraph's export answer and stores it:
 * `<subgraph>.json` (the whole answer), `<subgraph>/<table>.csv` per table, `files/<subgraph>/<fileId>-<name>` per
 * uploaded file, and `summary.nb.md` / `summary.en.md` (purposes, lawful bases, recipients, retention per table,
 * the right to complain, the privacy contact). Files are fetched one at a time and streamed into the zip, so only
 * the archive itself is held in memory (the storage takes whole objects).
 */
export class ExportArchiver {
  constructor(
    private readonly storage: FileStorage,
    /** What the summary says beyond the receipts, for the association (see archive-context.ts). */
    private readonly contextOf: (associationId: string) => Promise<ArchiveContext>,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async build(input: ArchiveInput): Promise<BuiltArchive> {
    const names = input.parts.map((part) => safeSegment(part.subgraph));
    if (new Set(names).size !== names.length) throw new Error('an export archive takes one part per subgraph');
    const context = await this.contextOf(input.associationId);
    const writer = new ZipWriter();
    const entries: string[] = [];
    const deletedSince: string[] = [];
    const { fetchFile } = input;

    for (const part of input.parts) {
      const folder = safeSegment(part.subgraph);
      entries.push(writer.text(`${folder}.json`, `${JSON.stringify(part.answer, null, 2)}\n`));
      for (const [table, rows] of Object.entries(part.answer.tables)) {
        entries.push(writer.text(`${folder}/${safeSegment(table)}.csv`, tableCsv(rows)));
      }
      if (!fetchFile) continue;
      for (const file of part.answer.files) {
        const name = `files/${folder}/${file.fileId}-${safeEntryName(file.name)}`;
        const bytes = await fetchFile(part.subgraph, file.fileId);
        if (bytes) entries.push(writer.bytes(name, bytes, DEFLATED_TYPES.test(file.contentType)));
        else deletedSince.push(name);
      }
    }

    const summary = {
      context,
      memberId: input.memberId,
      generatedAt: this.now(),
      receipts: input.parts.map((part) => ({ subgraph: part.subgraph, receipt: part.answer.receipt })),
      entries,
      deletedSince,
    };
    writer.text('summary.nb.md', renderSummary(summary, 'nb'));
    writer.text('summary.en.md', renderSummary(summary, 'en'));

    const archive = await writer.finish();
    const archiveKey = archiveKeyOf(input.associationId, input.requestId);
    await this.storage.put(archiveKey, archive, 'application/zip');
    return { archiveKey, sizeBytes: archive.length };
  }
}

/** A zip built entry by entry; each entry's bytes can be dropped as soon as they are added. */
export class ZipWriter {
  private readonly chunks: Uint8Array[] = [];
  private readonly zip: Zip;
  private readonly done: Promise<void>;
  private readonly names = new Set<string>();

  constructor() {
    let settle: { resolve: () => void; reject: (error: Error) => void } | undefined;
    this.done = new Promise((resolve, reject) => (settle = { resolve, reject }));
    this.zip = new Zip((error, chunk, final) => {
      if (error) return settle?.reject(error);
      this.chunks.push(chunk);
      if (final) settle?.resolve();
    });
  }

  text(name: string, text: string): string {
    return this.bytes(name, strToU8(text), true);
  }

  bytes(name: string, bytes: Uint8Array, deflate: boolean): string {
    if (this.names.has(name)) throw new Error(`duplicate archive entry ${name}`);
    this.names.add(name);
    const entry = deflate ? new ZipDeflate(name, { level: 6 }) : new ZipPassThrough(name);
    this.zip.add(entry);
    entry.push(bytes, true);
    return name;
  }

  async finish(): Promise<Buffer> {
    this.zip.end();
    await this.done;
    return Buffer.concat(this.chunks);
  }
}
