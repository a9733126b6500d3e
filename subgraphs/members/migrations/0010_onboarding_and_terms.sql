-- Platform operators onboard associations, and the terms of service are versioned (docs/decisions/0033).

-- associations(search, status): the operators' list of every association in name order, a page after a cursor
create index associations_by_name on members.associations (lower(name), id);

-- An invitation may carry a seat on a committee: accepting it starts a term there from the association's today.
-- That is how the first board member of an association a platform operator created becomes its board.
alter table members.invitations
  add column committee_id uuid,
  add column committee_role text check (committee_role in ('leader', 'deputy', 'member', 'secretary')),
  add foreign key (association_id, committee_id) references members.committees (association_id, id),
  add check ((committee_id is null) = (committee_role is null));

-- The provider's terms of service, one row per published version; platform-wide, read and written only in system
-- scope (a tenant transaction sees none). A version takes effect on `effective_on`, a date in Europe/Oslo, at least
-- one month after it was published (checked by the service: the seed below predates the rule).
create table members.terms_versions (
  version text primary key check (version ~ '^[0-9A-Za-z._-]{1,40}$'),
  url text not null check (url ~ '^https://' and length(url) <= 500),
  summary_nb text not null check (length(summary_nb) between 1 and 2000),
  summary_en text not null check (length(summary_en) between 1 and 2000),
  effective_on date not null,
  published_at timestamptz not null default now(),
  -- the platform operator who published it; null for the version this migration seeds
  published_by_account_id uuid
);
-- termsVersions and Association.terms: the versions in the order they take effect
create index terms_versions_by_effective_on on members.terms_versions (effective_on, version);
alter table members.terms_versions enable row level security;
alter table members.terms_versions force row level security;
create policy system_only on members.terms_versions using (members.in_system_scope());

-- Which version an association accepted, who accepted it for the association and who recorded it: a platform
-- operator when the association was created (the terms were accepted in writing), or a board member in the app.
create table members.terms_acceptances (
  association_id uuid not null references members.associations (id),
  version text not null references members.terms_versions (version),
  accepted_by_name text not null check (length(accepted_by_name) between 1 and 200),
  recorded_by_account_id uuid not null,
  recorded_by_member_id uuid,
  accepted_at timestamptz not null default now(),
  primary key (association_id, version),
  foreign key (association_id, recorded_by_member_id) references members.members (association_id, id)
);
alter table members.terms_acceptances enable row level security;
alter table members.terms_acceptances force row level security;
create policy tenant_isolation on members.terms_acceptances
  using (association_id = members.current_association_id() or members.in_system_scope());

insert into members.terms_versions (version, url, summary_nb, summary_en, effective_on, published_at)
values (
  '2026-01',
  'https://tunet.example/vilkar/2026-01',
  'Første versjon av vilkårene for bruk av Tunet: hva foreningen får, betaling innen 14 dager, oppsigelse, behandling av personopplysninger og endringer med én måneds varsel.',
  'First version of the terms of use of Tunet: what the association gets, payment within 14 days, termination, processing of personal data and changes with one month''s notice.',
  '2026-01-01',
  '2025-12-01T00:00:00Z'
);
