import { z } from 'zod';

/**
 * The internal privacy contract every subgraph answers (docs/decisions/0036): the privacy subgraph asks each one,
 * over signed internal routes, what it holds about a member of an association and to erase it, and gets a receipt
 * back. Every body names its kind, and the schemas are strict, so a body meant for one route is refused by every
 * other. The request signature covers the path as well (internal-signature.ts); the kinds keep a body unmistakable
 * even where a path is rewritten on the way (a proxy, a prefix), so an export can never be replayed as an erasure.
 */

export const PRIVACY_EXPORT_ROUTE = 'privacy/export';
export const PRIVACY_ERASE_ROUTE = 'privacy/erase';
/** One file the person uploaded, as raw bytes (the export lists them; the archive fetches each). */
export const PRIVACY_EXPORT_FILE_ROUTE = 'privacy/export-file';
/** Members only: the association's "Former resident" member that kept content is attributed to (made on first use). */
export const PRIVACY_TOMBSTONE_ROUTE = 'privacy/tombstone';
/** Everything of one association, after its agreement ended: its content for the board's export, then deletion. */
export const PRIVACY_EXPORT_ASSOCIATION_ROUTE = 'privacy/export-association';
/** One file a terminated association's export listed, as raw bytes (as PRIVACY_EXPORT_FILE_ROUTE for a person's). */
export const PRIVACY_EXPORT_ASSOCIATION_FILE_ROUTE = 'privacy/export-association-file';
export const PRIVACY_ERASE_ASSOCIATION_ROUTE = 'privacy/erase-association';

const id = z.guid();

/**
 * Why something is processed or kept (GDPR art. 6(1)): `contract` (b), `legal_obligation` (c, e.g. the bookkeeping
 * law), `legitimate_interest` (f), `consent` (a).
 */
export const lawfulBasisSchema = z.enum(['contract', 'legal_obligation', 'legitimate_interest', 'consent']);
export type LawfulBasis = z.infer<typeof lawfulBasisSchema>;

/** Kinds of content a person wrote that an association may keep after erasure, attributed to its tombstone member. */
export const contentKindSchema = z.enum(['posts', 'comments', 'documents', 'events']);
export type ContentKind = z.infer<typeof contentKindSchema>;

/**
 * How to erase: content of the kinds in `keepContent` stays, attributed to `tombstoneMemberId`; all other content is
 * deleted. `reason` says who asked: the person (`request`), the retention period after a move-out (`retention`).
 */
export const erasurePolicySchema = z.strictObject({
  keepContent: z.array(contentKindSchema).max(10),
  tombstoneMemberId: id,
  reason: z.enum(['request', 'retention']),
});
export type ErasurePolicy = z.infer<typeof erasurePolicySchema>;

export const privacyExportRequestSchema = z.strictObject({
  kind: z.literal('privacy.export'),
  requestId: id,
  associationId: id,
  memberId: id,
});
export type PrivacyExportRequest = z.infer<typeof privacyExportRequestSchema>;

export const privacyEraseRequestSchema = z.strictObject({
  kind: z.literal('privacy.erase'),
  requestId: id,
  associationId: id,
  memberId: id,
  policy: erasurePolicySchema,
});
export type PrivacyEraseRequest = z.infer<typeof privacyEraseRequestSchema>;

export const privacyExportFileRequestSchema = z.strictObject({
  kind: z.literal('privacy.export-file'),
  requestId: id,
  associationId: id,
  memberId: id,
  fileId: id,
});
export type PrivacyExportFileRequest = z.infer<typeof privacyExportFileRequestSchema>;

export const privacyTombstoneRequestSchema = z.strictObject({ kind: z.literal('privacy.tombstone'), associationId: id });
export const privacyTombstoneAnswerSchema = z.strictObject({ memberId: id });

const associationRequest = <K extends string>(kind: K) => z.strictObject({ kind: z.literal(kind), requestId: id, associationId: id });
export const privacyExportAssociationRequestSchema = associationRequest('privacy.export-association');
export const privacyEraseAssociationRequestSchema = associationRequest('privacy.erase-association');
export type PrivacyAssociationRequest = z.infer<typeof privacyExportAssociationRequestSchema | typeof privacyEraseAssociationRequestSchema>;

export const privacyExportAssociationFileRequestSchema = z.strictObject({
  kind: z.literal('privacy.export-association-file'),
  requestId: id,
  associationId: id,
  fileId: id,
});
export type PrivacyExportAssociationFileRequest = z.infer<typeof privacyExportAssociationFileRequestSchema>;

/**
 * Members only: members whose retention period after moving out has run (the privacy subgraph's retention job, then
 * PRIVACY_ERASE_ROUTE with reason `retention`). A member qualifies when every tenure ended on or before the cut-off
 * of their association (`cutoffs`, else `defaultCutoff`), no committee term runs past it, and they hold no external
 * title; the tombstone and terminated associations never do. Pages in (associationId, memberId) order.
 */
export const PRIVACY_MOVED_OUT_ROUTE = 'privacy/moved-out';
export const privacyMovedOutRequestSchema = z.strictObject({
  kind: z.literal('privacy.moved-out'),
  defaultCutoff: z.iso.date(),
  cutoffs: z.array(z.strictObject({ associationId: id, cutoff: z.iso.date() })).max(1000),
  after: z.strictObject({ associationId: id, memberId: id }).nullable(),
  limit: z.number().int().min(1).max(500),
});
export type PrivacyMovedOutRequest = z.infer<typeof privacyMovedOutRequestSchema>;
export const privacyMovedOutAnswerSchema = z.strictObject({
  members: z.array(z.strictObject({ associationId: id, memberId: id, movedOutOn: z.iso.date() })),
});
export type PrivacyMovedOutAnswer = z.infer<typeof privacyMovedOutAnswerSchema>;

/** What happened to one table's rows about the person (or the association). */
export const receiptEntrySchema = z.strictObject({
  table: z.string().min(1),
  action: z.enum(['exported', 'erased', 'anonymised', 'reattributed', 'kept']),
  rows: z.number().int().nonnegative(),
  lawfulBasis: lawfulBasisSchema,
  /** For `kept`: the day it will be deleted (ISO date), or null while that depends on an event still to come. */
  keptUntil: z.iso.date().nullable(),
  /** Why, in a sentence a person can read (English; the archive's summary translates the known ones). */
  note: z.string().max(500).nullable(),
});
export type ReceiptEntry = z.infer<typeof receiptEntrySchema>;

/** A file the person uploaded, listed in an export and fetched through PRIVACY_EXPORT_FILE_ROUTE. */
export const exportedFileSchema = z.strictObject({
  fileId: id,
  name: z.string().min(1).max(255),
  contentType: z.string().min(1).max(255),
  sizeBytes: z.number().int().nonnegative(),
});
export type ExportedFile = z.infer<typeof exportedFileSchema>;

/** A subgraph's answer to PRIVACY_EXPORT_ROUTE (and, with the association's rows, PRIVACY_EXPORT_ASSOCIATION_ROUTE). */
export const privacyExportAnswerSchema = z.strictObject({
  subgraph: z.string().min(1),
  /** Rows per table (schema-less table name), columns as stored; ids, dates and JSON as JSON. */
  tables: z.record(z.string(), z.array(z.record(z.string(), z.unknown()))),
  files: z.array(exportedFileSchema),
  receipt: z.array(receiptEntrySchema),
});
export type PrivacyExportAnswer = z.infer<typeof privacyExportAnswerSchema>;

/** A subgraph's answer to PRIVACY_ERASE_ROUTE and PRIVACY_ERASE_ASSOCIATION_ROUTE. Repeating a request changes nothing. */
export const privacyEraseAnswerSchema = z.strictObject({
  subgraph: z.string().min(1),
  receipt: z.array(receiptEntrySchema),
});
export type PrivacyEraseAnswer = z.infer<typeof privacyEraseAnswerSchema>;

/**
 * A subgraph's catalogue of personal data, the one place the coverage test reads (test/personal-data.int.test.ts):
 * every table holding data about a person, the columns that hold it, and how export and erasure treat it.
 * A table of the subgraph's schema with a column that names, reaches or identifies a person and is not listed here
 * fails the test, as does a listed table that the subgraph's export or erase receipt leaves out.
 */
export interface PersonalTable {
  /** Columns that hold personal data (names, contact data, free text a person wrote, member/account ids, addresses). */
  columns: readonly string[];
  /** The column(s) naming whose data a row is (e.g. `member_id`, `author_id`). */
  subject: readonly string[];
  /** What erasure does to the person's rows. */
  erasure: 'delete' | 'anonymise' | 'reattribute' | 'keep';
  lawfulBasis: LawfulBasis;
  /** For `keep`: how long and why, e.g. "5 years after the fiscal year ends (bookføringsloven § 13)". */
  retention?: string;
}

export type PersonalDataCatalogue = Readonly<Record<string, PersonalTable>>;
