import type { ReferenceIds, SubgraphDatabase } from '@tunet/kit';
import { sql } from 'drizzle-orm';

type Row = { kind: keyof ReferenceIds; id: string };

/** Which of the ids other subgraphs want to refer to exist in the association: one statement for all four kinds. */
export class ReferencesRepository {
  constructor(private readonly db: SubgraphDatabase) {}

  async existing(tenant: string, references: Partial<ReferenceIds>): Promise<ReferenceIds> {
    const ids = (list: string[] | undefined) => sql`${sql.param(list ?? [])}::uuid[]`;
    const result = (await this.db.tenant(tenant, (tx) =>
      tx.execute(sql`
        select 'memberIds' as kind, id from members.members
          where association_id = ${tenant}::uuid and id = any(${ids(references.memberIds)})
        union all
        select 'buildingIds', id from members.buildings
          where association_id = ${tenant}::uuid and id = any(${ids(references.buildingIds)})
        union all
        select 'committeeIds', id from members.committees
          where association_id = ${tenant}::uuid and id = any(${ids(references.committeeIds)})
        union all
        select 'unitIds', id from members.units
          where association_id = ${tenant}::uuid and id = any(${ids(references.unitIds)})
      `),
    )) as { rows: Row[] };
    const existing: ReferenceIds = { memberIds: [], buildingIds: [], committeeIds: [], unitIds: [] };
    for (const row of result.rows) existing[row.kind].push(row.id);
    return existing;
  }
}
