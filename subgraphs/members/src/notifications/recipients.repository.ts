import type { SubgraphDatabase } from '@tunet/kit';
import { sql, type SQL } from 'drizzle-orm';

/** Who a notification is for, as the notifications subgraph asks (its group audiences arrive as member ids). */
export type RecipientsSpec =
  | {
      kind: 'members';
      memberIds: readonly string[];
      /** The board too, as in every audience: a group's posts reach the board besides the group's members. */
      includeBoard?: boolean;
      /** Suspended members too: the only way to tell someone that they have been suspended. */
      includeSuspended?: boolean;
    }
  | { kind: 'board' }
  | { kind: 'audience'; audience: { kind: 'association' } | { kind: 'board' } | { kind: 'building' | 'committee'; id: string } };

/** The association as notifications addresses it. */
export interface RecipientsAssociation {
  id: string;
  name: string;
  locale: 'nb' | 'en';
  timeZone: string;
}

/** A member as notifications addresses them. */
export interface RecipientRow {
  memberId: string;
  displayName: string;
  email: string | null;
  phone: string | null;
}

/** The route's answer, as the notifications directory reads it (`recipientsAnswerSchema`). */
export interface RecipientsAnswer {
  /** Null when the association does not exist (or is another tenant's). */
  association: RecipientsAssociation | null;
  recipients: RecipientRow[];
}

type Row = RecipientsAssociation & { memberId: string | null; displayName: string | null; email: string | null; phone: string | null };

/**
 * Resolves recipient specs for the notifications subgraph in one statement whatever the audience size: the
 * association's row, its current board, and the members reached, filtered to the current and active ones.
 */
export class RecipientsRepository {
  constructor(private readonly db: SubgraphDatabase) {}

  async recipients(tenant: string, spec: RecipientsSpec): Promise<RecipientsAnswer> {
    // The same rule as logging in: a suspension lasts through its last day.
    const suspended =
      spec.kind === 'members' && spec.includeSuspended
        ? sql`false`
        : sql`(m.suspended_at is not null and (m.suspended_until is null or m.suspended_until >= a.today))`;
    const result = (await this.db.tenant(tenant, (tx) =>
      tx.execute(sql`
        with a as (
          select id, name, locale, time_zone, status, terminated_on, (now() at time zone time_zone)::date as today
          from members.associations where id = ${tenant}::uuid
        ),
        board as (
          select t.member_id
          from members.committee_terms t
          join members.committees c on c.association_id = t.association_id and c.id = t.committee_id
          cross join a
          where t.association_id = ${tenant}::uuid and c.kind = 'board'
            and t.term_from <= a.today and (t.term_to is null or t.term_to >= a.today)
        )
        -- The membership's contact e-mail, not the account's login e-mail: it is the address this association holds
        -- for the person (from the invitation or the property manager's import), invitees and imported residents
        -- have it before they have an account, and login credentials are system-only (a tenant transaction cannot
        -- read accounts). Confirming a new login e-mail moves the contact e-mails that used the old one, so the two
        -- stay the same unless the association was given another address on purpose.
        select a.id as "id", a.name as "name", a.locale as "locale", a.time_zone as "timeZone",
          m.id as "memberId", m.display_name as "displayName", m.email as "email", m.phone as "phone"
        from a
        left join members.members m on m.association_id = a.id
          -- a termination recorded ahead of time takes effect on its date; a blocked association's people are still
          -- told (why it is blocked, above all: they cannot log in to read it)
          and (a.status <> 'terminated' or a.terminated_on > a.today)
          and (${reach(tenant, spec)})
          and not ${suspended}
          -- current as members.member_roles() has it: an external title, a tenure through its move-out date, or a
          -- board seat through its last day (inlined: a function call per member would cost 2,000 subqueries)
          and (
            m.external_title is not null
            or m.id in (select member_id from board)
            or exists (
              select 1 from members.tenures t
              where t.association_id = m.association_id and t.member_id = m.id
                and t.move_in <= a.today and (t.move_out is null or t.move_out >= a.today)
            )
          )
        order by m.sort_name, m.id
      `),
    )) as { rows: Row[] };
    const [first] = result.rows;
    if (!first) return { association: null, recipients: [] };
    return {
      association: { id: first.id, name: first.name, locale: first.locale, timeZone: first.timeZone },
      recipients: result.rows.flatMap(({ memberId, displayName, email, phone }) =>
        memberId && displayName !== null ? [{ memberId, displayName, email, phone }] : [],
      ),
    };
  }
}

/**
 * Whether member `m` is in the spec, within the tenant. The board is in every audience (posts' rule: it answers for
 * everything published in the association's name). Ids of other associations' buildings and committees match no
 * tenure or term here, so they reach nobody but that board.
 */
function reach(tenant: string, spec: RecipientsSpec): SQL {
  const onBoard = sql`m.id in (select member_id from board)`;
  if (spec.kind === 'board') return onBoard;
  if (spec.kind === 'members') {
    const named = sql`m.id = any(${sql.param([...spec.memberIds])}::uuid[])`;
    return spec.includeBoard ? sql`${named} or ${onBoard}` : named;
  }
  const { audience } = spec;
  if (audience.kind === 'association') return sql`true`;
  if (audience.kind === 'board') return onBoard;
  if (audience.kind === 'building') {
    return sql`${onBoard} or exists (
      select 1 from members.tenures t
      join members.units u on u.association_id = t.association_id and u.id = t.unit_id
      where t.association_id = ${tenant}::uuid and t.member_id = m.id and u.building_id = ${audience.id}::uuid
        and t.move_in <= a.today and (t.move_out is null or t.move_out >= a.today))`;
  }
  return sql`${onBoard} or exists (
    select 1 from members.committee_terms t
    where t.association_id = ${tenant}::uuid and t.member_id = m.id and t.committee_id = ${audience.id}::uuid
      and t.term_from <= a.today and (t.term_to is null or t.term_to >= a.today))`;
}
