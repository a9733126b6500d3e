import {
  PRIVACY_ERASE_ROUTE,
  PRIVACY_EXPORT_ROUTE,
  privacyEraseRequestSchema,
  privacyExportRequestSchema,
  processRoute,
  type ErasurePolicy,
  type InternalRoute,
  type PersonalDataCatalogue,
  type PrivacyEraseAnswer,
  type PrivacyExportAnswer,
  type ReceiptEntry,
  type SubgraphDatabase,
  type Tx,
} from '@tunet/kit';

/** Whose data a privacy route is about: a member of an association, for one data-subject request. */
export interface PrivacySubject {
  requestId: string;
  associationId: string;
  memberId: string;
}

/** What erasure did to one table; the route adds the lawful basis from the catalogue. */
export type PartErasure = Pick<ReceiptEntry, 'table' | 'action' | 'rows'> & Partial<Pick<ReceiptEntry, 'keptUntil' | 'note'>>;

/** Rows per table (schema-less name), columns as stored. */
export type ExportedRows = Record<string, Record<string, unknown>[]>;

/**
 * One domain's share of the privacy subgraph's own personal data: the tables of PERSONAL_DATA it answers for, how
 * it exports the person's rows and how it erases them, each in the route's transaction (the association's tenant).
 */
export interface PrivacyPart {
  tables: readonly string[];
  export(tx: Tx, subject: PrivacySubject): Promise<ExportedRows>;
  erase(tx: Tx, subject: PrivacySubject, policy: ErasurePolicy): Promise<PartErasure[]>;
}

/** Every table of the catalogue answered by exactly one part, and no part answering for a table it does not list. */
export function checkParts(catalogue: PersonalDataCatalogue, parts: readonly PrivacyPart[]): string[] {
  const faults: string[] = [];
  const owners = new Map<string, number>();
  for (const table of parts.flatMap((part) => part.tables)) owners.set(table, (owners.get(table) ?? 0) + 1);
  for (const table of Object.keys(catalogue)) {
    if ((owners.get(table) ?? 0) !== 1) faults.push(`${table}: answered by ${owners.get(table) ?? 0} parts, not one`);
  }
  for (const table of owners.keys()) if (!(table in catalogue)) faults.push(`${table}: not in the catalogue`);
  return faults;
}

/**
 * The privacy subgraph answers PRIVACY_EXPORT_ROUTE and PRIVACY_ERASE_ROUTE like every other subgraph (kit/privacy.ts),
 * from its parts: one receipt entry per table of the catalogue, in one transaction in the association's tenant, so a
 * member id of another association finds nothing. Erasing twice changes nothing the second time.
 */
export function privacyRoutes(db: SubgraphDatabase, catalogue: PersonalDataCatalogue, parts: readonly PrivacyPart[]): Record<string, InternalRoute> {
  const faults = checkParts(catalogue, parts);
  if (faults.length > 0) throw new Error(`privacy parts do not cover the catalogue: ${faults.join('; ')}`);
  const basis = (table: string) => catalogue[table]!.lawfulBasis;
  return {
    [PRIVACY_EXPORT_ROUTE]: processRoute(privacyExportRequestSchema, async (body): Promise<PrivacyExportAnswer> => {
      const tables: ExportedRows = {};
      await db.tenant(body.associationId, async (tx) => {
        for (const part of parts) Object.assign(tables, await part.export(tx, body));
      });
      const receipt = Object.keys(catalogue).map((table) => {
        tables[table] ??= [];
        return { table, action: 'exported' as const, rows: tables[table].length, lawfulBasis: basis(table), keptUntil: null, note: null };
      });
      return { subgraph: 'privacy', tables, files: [], receipt };
    }),
    [PRIVACY_ERASE_ROUTE]: processRoute(privacyEraseRequestSchema, async (body): Promise<PrivacyEraseAnswer> => {
      const done = await db.tenant(body.associationId, async (tx) => {
        const entries: PartErasure[] = [];
        for (const part of parts) entries.push(...(await part.erase(tx, body, body.policy)));
        // Its outbox and dead letters keep none of the person's events for a replay, as every subgraph's (decision 0052).
        await db.outbox.forgetPerson(tx, body.associationId, [body.memberId]);
        await db.deadLetters.forgetPerson(tx, body.associationId, [body.memberId]);
        return entries;
      });
      const receipt = Object.keys(catalogue).map((table): ReceiptEntry => {
        const entry = done.find((e) => e.table === table);
        if (!entry) throw new Error(`privacy part for ${table} returned no erasure entry`);
        return { table, action: entry.action, rows: entry.rows, lawfulBasis: basis(table), keptUntil: entry.keptUntil ?? null, note: entry.note ?? null };
      });
      return { subgraph: 'privacy', receipt };
    }),
  };
}
