import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { SubgraphDatabase } from './database';

/**
 * A deployment's key for signing download links (decision 0012), kept in the subgraph's own `url_signing_keys` table
 * under `name` and made by whichever process asks first. System scope: the key belongs to no association, and the
 * table admits nothing else.
 */
export function urlSigningKey(db: Pick<SubgraphDatabase, 'schema' | 'system'>, name: string): Promise<Buffer> {
  const table = sql`${sql.identifier(db.schema)}.url_signing_keys`;
  return db.system(async (tx) => {
    await tx.execute(sql`insert into ${table} (name, secret) values (${name}, ${randomBytes(32)}) on conflict do nothing`);
    const result: unknown = await tx.execute(sql`select secret from ${table} where name = ${name}`);
    const row = (result as { rows: { secret: Uint8Array }[] }).rows[0];
    if (!row) throw new Error(`the URL signing key ${name} was neither inserted nor found`);
    return Buffer.from(row.secret);
  });
}
