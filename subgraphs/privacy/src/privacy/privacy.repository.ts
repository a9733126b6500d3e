import type { SQL } from 'drizzle-orm';
import type { Tx } from '@tunet/kit';

type Rows = { rows: Record<string, unknown>[] };

/** The rows a statement returns, columns as stored (what an export shows). */
export const rowsOf = async (tx: Tx, query: SQL): Promise<Record<string, unknown>[]> => ((await tx.execute(query)) as Rows).rows;

/** How many rows a statement returned (an erasure's `returning 1`). */
export const countOf = async (tx: Tx, query: SQL): Promise<number> => ((await tx.execute(query)) as Rows).rows.length;
