-- Consent, restriction and privacy notices (docs/decisions/0038): the association's register of processing purposes,
-- the consents its people give and withdraw, restrictions of processing (GDPR art. 18) and its privacy notice's
-- versions. Consents and restrictions are histories: a change is a new row, never an update, so what a person agreed
-- to, and when, stays provable.

-- The purposes an association added, or the built-in purposes (purposes.rules.ts) whose texts its board changed; an
-- association without rows has the built-in register.
create table privacy.purposes (
  association_id uuid not null,
  -- a stable key other subgraphs act on (built-in: directory_contact, directory_portrait, newsletters, …)
  key text not null check (key ~ '^[a-z][a-z0-9_]{1,47}$'),
  name_nb text not null check (length(name_nb) between 1 and 200),
  name_en text not null check (length(name_en) between 1 and 200),
  description_nb text not null check (length(description_nb) between 1 and 4000),
  description_en text not null check (length(description_en) between 1 and 4000),
  lawful_basis text not null check (lawful_basis in ('contract', 'legal_obligation', 'legitimate_interest', 'consent')),
  data_categories text[] not null check (cardinality(data_categories) between 1 and 20),
  retention_nb text not null check (length(retention_nb) between 1 and 500),
  retention_en text not null check (length(retention_en) between 1 and 500),
  -- the text version a consent records: it moves on with every change of the name, description or retention
  version integer not null check (version >= 1),
  updated_at timestamptz not null default now(),
  -- the board member who changed it last; null for an operator, or once that member was erased
  updated_by uuid,
  primary key (association_id, key)
);

-- Every grant and withdrawal, oldest first; a person's consent to a purpose is their latest row for it.
create table privacy.consents (
  association_id uuid not null,
  id uuid not null,
  member_id uuid not null,
  purpose_key text not null,
  action text not null check (action in ('granted', 'withdrawn')),
  -- the purpose's text version the person saw; 0 for a choice carried over from members' visibility settings
  text_version integer not null check (text_version >= 0),
  origin text not null default 'person' check (origin in ('person', 'visibility_setting')),
  at timestamptz not null default now(),
  primary key (association_id, id)
);
-- myConsents, the states route and erasure: a person's rows per purpose, latest first.
create index consents_by_member on privacy.consents (association_id, member_id, purpose_key, at desc, id desc);

-- Every restriction set and lifted; a person is restricted while their latest row is `set`.
create table privacy.restrictions (
  association_id uuid not null,
  id uuid not null,
  member_id uuid not null,
  action text not null check (action in ('set', 'lifted')),
  reason text not null check (length(reason) between 1 and 1000),
  actor text not null check (actor in ('self', 'board', 'operator')),
  -- the board member who set or lifted it (null when the person did, for an operator, or once erased)
  actor_member_id uuid,
  at timestamptz not null default now(),
  primary key (association_id, id)
);
-- The states route and the board's list: each member's latest row.
create index restrictions_by_member on privacy.restrictions (association_id, member_id, at desc, id desc);
-- Erasure: the rows a board member wrote about others.
create index restrictions_by_actor on privacy.restrictions (association_id, actor_member_id) where actor_member_id is not null;

-- The association's privacy notice, one row per published version.
create table privacy.notices (
  association_id uuid not null,
  id uuid not null,
  version integer not null check (version >= 1),
  text_nb text not null check (length(text_nb) between 1 and 100000),
  text_en text not null check (length(text_en) between 1 and 100000),
  -- a material change is sent to every member (privacy.notice_published)
  material boolean not null,
  published_at timestamptz not null default now(),
  -- the day of publishing in the association's time zone: the "last changed" date people read
  last_changed_on date not null,
  -- the board member who published it; null for an operator, or once that member was erased
  published_by uuid,
  primary key (association_id, id),
  unique (association_id, version)
);

do $$
declare t text;
begin
  foreach t in array array['purposes', 'consents', 'restrictions', 'notices'] loop
    execute format('alter table privacy.%I enable row level security', t);
    execute format('alter table privacy.%I force row level security', t);
    execute format('create policy tenant_isolation on privacy.%I using (association_id = privacy.current_association_id() or privacy.in_system_scope())', t);
  end loop;
end $$;

-- One source of truth for the directory: a person who had chosen to show their e-mail or phone (or portrait) to the
-- residents keeps showing it, now as a consent recorded from that choice. A portrait shown because nobody chose is
-- not a consent, so it is not carried over. Members runs its migrations first in one database; where it is absent
-- (a privacy schema on its own) there is nothing to carry over.
do $$
begin
  if to_regclass('members.members') is not null then
    -- Both tables force row-level security; this copy is for every association at once.
    perform set_config('tunet.scope', 'system', true);
    insert into privacy.consents (association_id, id, member_id, purpose_key, action, text_version, origin)
    select m.association_id, gen_random_uuid(), m.id, p.key, 'granted', 0, 'visibility_setting'
    from members.members m
    cross join lateral (
      select 'directory_contact' as key where m.visibility ->> 'email' = 'residents' or m.visibility ->> 'phone' = 'residents'
      union all
      select 'directory_portrait' where m.visibility ->> 'portrait' = 'residents'
    ) p;
    perform set_config('tunet.scope', '', true);
  end if;
end $$;
