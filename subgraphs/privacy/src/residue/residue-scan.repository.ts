import { sql, type SQL } from 'drizzle-orm';
import type { DatabaseConnection } from '@tunet/kit';

/**
 * The residue scan's SQL (docs/decisions/0039): the columns of the scanned schemas from the catalogue, and one
 * read-only statement per table counting, for each column and needle, the rows that hold it. Runs as the
 * connection's owner in system scope: an operator's tool, never reachable from a request.
 */

export interface ScannedColumn {
  schema: string;
  table: string;
  column: string;
  type: string;
}

/** A column and a needle to count, optionally split by whether the row's `tombstoneColumn` names a tombstone. */
export interface Probe {
  column: ScannedColumn;
  needle: string;
  /** A column of the same table holding a member id: rows where it is an association's tombstone are counted apart. */
  tombstoneColumn?: string;
}

/** Rows that hold the needle; `ofTombstone` of them name a tombstone in the probe's `tombstoneColumn` (0 without one). */
export interface ProbeCount {
  probe: Probe;
  rows: number;
  ofTombstone: number;
}

const SEARCHABLE = new Set(['text', 'character varying', 'character', 'json', 'jsonb', 'uuid', 'ARRAY', 'USER-DEFINED', 'bytea', 'inet', 'citext']);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export class ResidueScanRepository {
  constructor(private readonly database: DatabaseConnection) {}

  /** Every column of a base table in the schemas whose values can hold text or an id. */
  async columns(schemas: readonly string[]): Promise<ScannedColumn[]> {
    const rows = await this.database.ownerTransaction(async (tx) => {
      const result = await tx.execute(sql`
        select c.table_schema as schema, c.table_name as "table", c.column_name as column, c.data_type as type
        from information_schema.columns c
        join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name and t.table_type = 'BASE TABLE'
        where c.table_schema in (${sql.join(
          schemas.map((s) => sql`${s}`),
          sql`, `,
        )})
        order by 1, 2, 3`);
      return (result as { rows: ScannedColumn[] }).rows;
    });
    return rows.filter((column) => SEARCHABLE.has(column.type));
  }

  /** Counts the probes of one table in one statement; probes that cannot match (a word in a uuid column) are left out. */
  async count(schema: string, table: string, probes: readonly Probe[]): Promise<ProbeCount[]> {
    const counted = probes.flatMap((probe) => {
      const condition = holds(probe.column, probe.needle);
      return condition ? [{ probe, condition }] : [];
    });
    if (counted.length === 0) return [];
    const counts = await this.database.ownerTransaction(async (tx) => {
      await tx.execute(sql`set transaction read only`);
      const select = sql.join(
        counted.flatMap(({ probe, condition }, i) => [
          sql`count(*) filter (where ${condition})::int as ${sql.raw(`c${i}`)}`,
          sql`count(*) filter (where ${condition} and ${namesTombstone(probe.tombstoneColumn)})::int as ${sql.raw(`t${i}`)}`,
        ]),
        sql`, `,
      );
      const result = await tx.execute(sql`select ${select} from ${sql.raw(`${quote(schema)}.${quote(table)}`)}`);
      return (result as { rows: Record<string, number>[] }).rows[0]!;
    });
    return counted.map(({ probe }, i) => ({ probe, rows: Number(counts[`c${i}`]), ofTombstone: Number(counts[`t${i}`]) }));
  }
}

/** The condition that a column holds the needle: a uuid column only by equality, anything else as text, case-blind. */
function holds(column: ScannedColumn, needle: string): SQL | null {
  const value = sql.raw(quote(column.column));
  if (column.type === 'uuid') return UUID.test(needle) ? sql`${value} = ${needle}::uuid` : null;
  if (column.type === 'bytea') return sql`strpos(lower(convert_from(${value}, 'LATIN1')), ${needle}) > 0`;
  return sql`strpos(lower(${value}::text), ${needle}) > 0`;
}

/** The row's member id column names an association's "Former resident" (members' tombstone row). */
function namesTombstone(column: string | undefined): SQL {
  if (!column) return sql`false`;
  return sql`${sql.raw(quote(column))} in (select id from members.members where tombstone)`;
}

function quote(identifier: string): string {
  return `"${identifier.replace(/"/g, '""')}"`;
}
