-- The real shape of a housing association: buildings and units with their share/section numbers, people whose
-- tenures come and go over time, externals with a title, and committees (the board among them) with terms.
-- A member's role is no longer stored: it follows from an active tenure, an active board term or an external
-- title, so rights end by themselves when a term or tenure ends.

alter table members.associations
  add column org_number text check (org_number ~ '^[0-9]{9}$'),
  add column street_address text,
  add column postal_code text check (postal_code ~ '^[0-9]{4}$'),
  add column city text,
  add column contact_email text,
  add column status text not null default 'active' check (status in ('active', 'terminated')),
  add column terminated_on date,
  add constraint terminated_has_date check ((status = 'terminated') = (terminated_on is not null));
-- onboarding and the property-manager import: find an association by organisation number
create unique index associations_org_number_key on members.associations (org_number) where org_number is not null;

create table members.buildings (
  association_id uuid not null references members.associations (id),
  id uuid not null,
  name text not null check (length(name) between 1 and 100),
  street_address text,
  created_at timestamptz not null default now(),
  primary key (association_id, id),
  unique (association_id, name)
);
alter table members.buildings enable row level security;
alter table members.buildings force row level security;
create policy tenant_isolation on members.buildings
  using (association_id = members.current_association_id() or members.in_system_scope());

-- Units move from a free-text building to a building row.
insert into members.buildings (association_id, id, name)
  select distinct on (association_id, building) association_id, gen_random_uuid(), building
  from members.units;
alter table members.units add column building_id uuid;
update members.units u set building_id = b.id
  from members.buildings b where b.association_id = u.association_id and b.name = u.building;
alter table members.units
  alter column building_id set not null,
  add foreign key (association_id, building_id) references members.buildings (association_id, id),
  drop column building,
  add column share_number text,
  add column section_number text,
  add column floor integer check (floor between -5 and 100),
  add column size_sqm numeric(7, 1) check (size_sqm > 0),
  add column street_address text,
  add column created_at timestamptz not null default now(),
  add constraint units_number_unique unique (association_id, building_id, number);
-- property-manager import: match rows to units by share number (andelsnummer)
create unique index units_share_number_key on members.units (association_id, share_number) where share_number is not null;

-- Profile and account state of a person in the association. Visibility is per field: only_me, board, residents.
alter table members.members
  add column phone text,
  add column portrait_url text,
  add column occupation text,
  add column about text,
  add column online_identities jsonb not null default '[]',
  add column visibility jsonb not null default '{}',
  add column hide_name boolean not null default false,
  add column external_title text,
  add column suspended_at timestamptz,
  add column suspension_reason text,
  add column suspended_until date,
  add column updated_at timestamptz not null default now(),
  alter column account_id drop not null;
-- Norwegian order (æ, ø, å after z; ä, ö with æ, ø) that sorts the same under any database collation and on
-- PGlite, which has no ICU: letters are mapped to the code points after 'z' and compared bytewise.
create function members.norwegian_sort_key(name text) returns text
  language sql immutable parallel safe as $$
    select translate(lower(translate(name, 'ÆØÅÄÖÜÉÈÁÀÓÒ', 'æøåäöüéèáàóò')), 'æøåäöüéèáàóò', '{|}{|ueeaaoo')
  $$;
alter table members.members
  add column sort_name text collate "C" generated always as (members.norwegian_sort_key(display_name)) stored;
drop index members.members_by_name;
-- directory: one page of an association's members in Norwegian name order
create index members_by_sort_name on members.members (association_id, sort_name, id);
-- invitations and the import: find a person in an association by contact e-mail
create index members_by_email on members.members (association_id, lower(email));

create table members.tenures (
  association_id uuid not null,
  id uuid not null,
  member_id uuid not null,
  unit_id uuid not null,
  relation text not null check (relation in ('owner', 'co_owner', 'tenant', 'occupant')),
  contract_number text,
  move_in date not null,
  move_out date,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (association_id, id),
  foreign key (association_id, member_id) references members.members (association_id, id),
  foreign key (association_id, unit_id) references members.units (association_id, id),
  check (move_out is null or move_out >= move_in)
);
-- a member's tenures (roles, profile) and a unit's household
create index tenures_by_member on members.tenures (association_id, member_id);
create index tenures_by_unit on members.tenures (association_id, unit_id);
alter table members.tenures enable row level security;
alter table members.tenures force row level security;
create policy tenant_isolation on members.tenures
  using (association_id = members.current_association_id() or members.in_system_scope());

create table members.committees (
  association_id uuid not null references members.associations (id),
  id uuid not null,
  kind text not null check (kind in ('board', 'nomination', 'party', 'custom')),
  name text not null check (length(name) between 1 and 100),
  created_at timestamptz not null default now(),
  primary key (association_id, id),
  unique (association_id, name)
);
-- an association has one board (styre); the other kinds may repeat
create unique index committees_one_board on members.committees (association_id) where kind = 'board';
alter table members.committees enable row level security;
alter table members.committees force row level security;
create policy tenant_isolation on members.committees
  using (association_id = members.current_association_id() or members.in_system_scope());

create table members.committee_terms (
  association_id uuid not null,
  id uuid not null,
  committee_id uuid not null,
  member_id uuid not null,
  role text not null check (role in ('leader', 'deputy', 'member', 'secretary')),
  term_from date not null,
  term_to date,
  -- set when board.term_ended has been published for a term whose last day has passed
  end_announced_at timestamptz,
  created_at timestamptz not null default now(),
  primary key (association_id, id),
  foreign key (association_id, committee_id) references members.committees (association_id, id),
  foreign key (association_id, member_id) references members.members (association_id, id),
  check (term_to is null or term_to >= term_from)
);
-- a committee's members, and a member's committees (roles at login)
create index committee_terms_by_committee on members.committee_terms (association_id, committee_id);
create index committee_terms_by_member on members.committee_terms (association_id, member_id);
-- the board.term_ended sweep: ended terms not yet announced
create index committee_terms_unannounced on members.committee_terms (term_to) where end_announced_at is null and term_to is not null;
alter table members.committee_terms enable row level security;
alter table members.committee_terms force row level security;
create policy tenant_isolation on members.committee_terms
  using (association_id = members.current_association_id() or members.in_system_scope());

-- Carry the stored roles over: residents get a tenure on their unit, the board becomes a board committee,
-- externals get a title. Existing data predates terms, so terms and tenures start on the membership's date.
insert into members.tenures (association_id, id, member_id, unit_id, relation, move_in)
  select association_id, gen_random_uuid(), id, unit_id, 'owner', created_at::date
  from members.members where unit_id is not null;
insert into members.committees (association_id, id, kind, name)
  select distinct association_id, gen_random_uuid(), 'board', 'Styret' from members.members where role = 'board';
insert into members.committee_terms (association_id, id, committee_id, member_id, role, term_from)
  select m.association_id, gen_random_uuid(), c.id, m.id, 'member', m.created_at::date
  from members.members m join members.committees c on c.association_id = m.association_id and c.kind = 'board'
  where m.role = 'board';
update members.members set external_title = 'Ekstern' where role = 'external';
alter table members.members drop column role, drop column unit_id;

-- Dates of tenures and terms are calendar dates in the association's time zone: "today" is the association's.
create function members.association_today(association uuid) returns date
  language sql stable as $$
    select (now() at time zone time_zone)::date from members.associations where id = association
  $$;

-- A member's current roles, derived on every call so that rights end with the term or tenure, unattended.
-- A tenure counts through its move-out date; a term through its last day.
create function members.member_roles(association uuid, member uuid) returns text[]
  language sql stable as $$
    with today as (select members.association_today(association) as d)
    select array_remove(array[
      case when exists (
        select 1 from members.committee_terms t
        join members.committees c on c.association_id = t.association_id and c.id = t.committee_id, today
        where t.association_id = association and t.member_id = member and c.kind = 'board'
          and t.term_from <= today.d and (t.term_to is null or t.term_to >= today.d)
      ) then 'board' end,
      case when exists (
        select 1 from members.tenures t, today
        where t.association_id = association and t.member_id = member
          and t.move_in <= today.d and (t.move_out is null or t.move_out >= today.d)
      ) then 'resident' end,
      case when exists (
        select 1 from members.members m
        where m.association_id = association and m.id = member and m.external_title is not null
      ) then 'external' end
    ], null)
  $$;

-- Reads of profile fields that the board (or a platform admin) could see only because of that role, for the
-- privacy subgraph's access log: people may ask who looked at what.
create table members.access_log (
  association_id uuid not null references members.associations (id),
  id uuid not null default gen_random_uuid(),
  viewer_account_id uuid not null,
  viewer_member_id uuid,
  subject_member_id uuid not null,
  field text not null,
  read_at timestamptz not null default now(),
  primary key (association_id, id)
);
-- privacy export: everything read about one person, newest first
create index access_log_by_subject on members.access_log (association_id, subject_member_id, read_at desc);
alter table members.access_log enable row level security;
alter table members.access_log force row level security;
create policy tenant_isolation on members.access_log
  using (association_id = members.current_association_id() or members.in_system_scope());
