-- Where a member lives and serves today, signed into access tokens so that other subgraphs can decide audiences
-- (a post for one building, a committee's group) without reading members' tables (docs/decisions/0010).
-- Same day rules as member_roles(): a tenure counts through its move-out date, a term through its last day.
create function members.member_scope(association uuid, member uuid) returns jsonb
  language sql stable as $$
    with today as (select members.association_today(association) as d),
    homes as (
      select t.unit_id, u.building_id
      from members.tenures t
      join members.units u on u.association_id = t.association_id and u.id = t.unit_id, today
      where t.association_id = association and t.member_id = member
        and t.move_in <= today.d and (t.move_out is null or t.move_out >= today.d)
    )
    select jsonb_build_object(
      'unitIds', coalesce((select jsonb_agg(distinct unit_id) from homes), '[]'),
      'buildingIds', coalesce((select jsonb_agg(distinct building_id) from homes), '[]'),
      'committeeIds', coalesce((
        select jsonb_agg(distinct t.committee_id)
        from members.committee_terms t, today
        where t.association_id = association and t.member_id = member
          and t.term_from <= today.d and (t.term_to is null or t.term_to >= today.d)
      ), '[]')
    )
  $$;
