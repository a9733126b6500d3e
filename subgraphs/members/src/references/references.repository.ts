import type { MemberHome, MemberRolesEntry, ReferenceIds, SubgraphDatabase } from '@tunet/kit';
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

  /** What the members among `ids` are today (roles derived as for a session), and whether they are suspended. */
  async roles(tenant: string, ids: readonly string[]): Promise<MemberRolesEntry[]> {
    const result = (await this.db.tenant(tenant, (tx) =>
      tx.execute(sql`
        select m.id as "memberId", members.member_roles(m.association_id, m.id) as roles,
          (m.suspended_at is not null and (m.suspended_until is null or m.suspended_until >= members.association_today(m.association_id))) as suspended
        from members.members m
        where m.association_id = ${tenant}::uuid and m.id = any(${sql.param([...ids])}::uuid[]) and not m.tombstone
      `),
    )) as { rows: MemberRolesEntry[] };
    return result.rows;
  }

  /** The units of the member's current tenures (as for a session's scope) and their buildings; none for the tombstone. */
  async homes(tenant: string, memberId: string): Promise<MemberHome[]> {
    const result = (await this.db.tenant(tenant, (tx) =>
      tx.execute(sql`
        select distinct t.unit_id as "unitId", u.building_id as "buildingId"
        from members.tenures t
        join members.units u on u.association_id = t.association_id and u.id = t.unit_id
        where t.association_id = ${tenant}::uuid and t.member_id = ${memberId}::uuid
          and t.move_in <= members.association_today(t.association_id)
          and (t.move_out is null or t.move_out >= members.association_today(t.association_id))
        order by 1
      `),
    )) as { rows: MemberHome[] };
    return result.rows;
  }
}
