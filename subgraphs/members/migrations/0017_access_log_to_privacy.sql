-- Members' access log becomes part of the privacy subgraph's tamper-evident log (docs/decisions/0039): members now
-- announces each privileged read as personal_data.accessed, which privacy chains. The reads recorded before are
-- announced once here, one event per read (the actor told apart as the decision's members did: a member, else an
-- API key's id, else an operator's account), and removed. The table stays, empty and no longer written, because the
-- members privacy routes still list it.
insert into members.outbox (event_id, association_id, topic, payload, occurred_at)
select gen_random_uuid(), l.association_id, 'personal_data.accessed',
       jsonb_build_object('entries', jsonb_build_array(jsonb_build_object(
         'subjectId', l.subject_member_id,
         'actorId', coalesce(l.viewer_member_id, l.viewer_account_id),
         'actorKind', case
           when l.viewer_member_id is not null then 'member'
           when exists (select 1 from members.api_keys k where k.id = l.viewer_account_id) then 'api_key'
           else 'operator' end,
         'fields', jsonb_build_array(l.field),
         'operation', 'member profile read',
         'reason', null,
         'at', to_char(l.read_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')))),
       l.read_at
from members.access_log l;
delete from members.access_log;
