import { sql } from 'drizzle-orm';
import type { SubgraphDatabase, Tx } from '@tunet/kit';
import { rowsOf } from '../privacy/privacy.repository';
import { BUILT_IN_PURPOSES, registerOf, type Purpose, type PurposeChange } from './purposes.rules';

const BUILT_IN_KEYS: ReadonlySet<string> = new Set(BUILT_IN_PURPOSES.map((purpose) => purpose.key));

interface PurposeRow {
  key: string;
  name_nb: string;
  name_en: string;
  description_nb: string;
  description_en: string;
  lawful_basis: Purpose['lawfulBasis'];
  data_categories: string[];
  retention_nb: string;
  retention_en: string;
  version: number;
  updated_at: Date | string;
}

/** A text[] parameter (drizzle would spread a plain array into a list). */
export const textArray = (values: readonly string[]) =>
  sql`array[${sql.join(
    values.map((v) => sql`${v}`),
    sql`, `,
  )}]::text[]`;

function toPurpose(row: PurposeRow, builtInKeys: ReadonlySet<string>): Purpose {
  return {
    key: row.key,
    name: { nb: row.name_nb, en: row.name_en },
    description: { nb: row.description_nb, en: row.description_en },
    lawfulBasis: row.lawful_basis,
    dataCategories: row.data_categories,
    retention: { nb: row.retention_nb, en: row.retention_en },
    version: row.version,
    builtIn: builtInKeys.has(row.key),
    updatedAt: new Date(row.updated_at),
  };
}

/**
 * The association's register of processing purposes in the caller's transaction: the built-in purposes (as its
 * board worded them) and its own. The read API other domains use (records of processing, the export's summary).
 */
export async function purposesIn(tx: Tx, associationId: string): Promise<Purpose[]> {
  const rows = (await rowsOf(tx, sql`select * from privacy.purposes where association_id = ${associationId}`)) as unknown as PurposeRow[];
  return registerOf(rows.map((row) => toPurpose(row, BUILT_IN_KEYS)));
}

/** The only SQL of the purposes register. */
export class PurposesRepository {
  constructor(private readonly db: SubgraphDatabase) {}

  /** The association's register (built-in purposes first, then its own by key). */
  register(associationId: string): Promise<Purpose[]> {
    return this.db.tenant(associationId, (tx) => purposesIn(tx, associationId));
  }

  /** Locks the association's register for a change: two boards saving at once get consecutive versions. */
  async lock(tx: Tx, associationId: string): Promise<void> {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`privacy.purposes.${associationId}`}))`);
  }

  async save(tx: Tx, associationId: string, change: PurposeChange, version: number, by: string | null): Promise<void> {
    await tx.execute(sql`
      insert into privacy.purposes (association_id, key, name_nb, name_en, description_nb, description_en, lawful_basis, data_categories,
                                    retention_nb, retention_en, version, updated_at, updated_by)
      values (${associationId}, ${change.key}, ${change.name.nb}, ${change.name.en}, ${change.description.nb}, ${change.description.en},
              ${change.lawfulBasis}, ${textArray(change.dataCategories)}, ${change.retention.nb}, ${change.retention.en}, ${version}, now(), ${by})
      on conflict (association_id, key) do update set
        name_nb = excluded.name_nb, name_en = excluded.name_en, description_nb = excluded.description_nb,
        description_en = excluded.description_en, data_categories = excluded.data_categories, retention_nb = excluded.retention_nb,
        retention_en = excluded.retention_en, version = excluded.version, updated_at = now(), updated_by = excluded.updated_by`);
  }
}
