-- The billing catalogue, each association's subscriptions to it, the provider's withdrawals of add-ons and the audit
-- trail of every change (docs/decisions/0032). The runner (packages/kit/src/database.ts) has created the schema, the
-- role tunet_billing and the functions the row-level-security policies call. Money is in øre (integer); dates are
-- calendar dates in the association's time zone (Europe/Oslo by default).

-- What can be subscribed to, platform-wide and read-only for the subgraph: prices and entitlements change only by a
-- migration, so no request can rewrite them.
create table billing.features (
  key text primary key check (key ~ '^[a-z][A-Za-z0-9]{0,63}$'),
  name_nb text not null check (length(name_nb) between 1 and 100),
  name_en text not null check (length(name_en) between 1 and 100),
  description_nb text not null check (length(description_nb) <= 2000),
  description_en text not null check (length(description_en) <= 2000),
  price_ore integer not null check (price_ore >= 0),
  period text not null check (period in ('month', 'year')),
  kind text not null check (kind in ('base', 'add_on')),
  -- [{ "key": "storageBytes", "kind": "limit", "value": 5368709120 }, { "key": "operationsCenter", "kind": "flag", "value": 1 }]
  entitlements jsonb not null default '[]' check (jsonb_typeof(entitlements) = 'array'),
  -- the catalogue's order in lists: the base plan first
  position smallint not null unique
);

insert into billing.features (key, name_nb, name_en, description_nb, description_en, price_ore, period, kind, entitlements, position) values
  ('base', 'Grunnpakke', 'Base plan',
   'Medlemmer, innlegg, reservasjoner, varsler, personvern og eksport av gebyrer. Alltid med, uten kostnad.',
   'Members, posts, reservations, notifications, privacy and the charges export. Always on, free of charge.',
   0, 'month', 'base', '[{"key": "storageBytes", "kind": "limit", "value": 5368709120}, {"key": "smsPerMonth", "kind": "limit", "value": 0}]', 0),
  ('operationsCenter', 'Driftssenteret', 'Operations center',
   'Driftssenteret: saker, oppgaver og vedlikehold for styret og vaktmesteren.',
   'The operations center: cases, tasks and maintenance for the board and the caretaker.',
   49900, 'month', 'add_on', '[{"key": "operationsCenter", "kind": "flag", "value": 1}]', 1),
  ('sms', 'SMS-varsler', 'SMS notifications',
   'Varsler på SMS til beboere som har valgt det, opptil 500 SMS i måneden.',
   'Notifications by SMS to residents who chose it, up to 500 messages a month.',
   19900, 'month', 'add_on', '[{"key": "smsPerMonth", "kind": "limit", "value": 500}]', 2),
  ('extraStorage', 'Ekstra lagring', 'Extra storage',
   '100 GiB ekstra plass til filer og bilder.',
   '100 GiB more space for files and images.',
   9900, 'month', 'add_on', '[{"key": "storageBytes", "kind": "limit", "value": 107374182400}]', 3);

-- One association's subscription to one add-on. At most one is open (not cancelled) per association and feature;
-- a cancelled one stays as history. Price, period and payment term are those agreed when it started.
create table billing.subscriptions (
  association_id uuid not null,
  id uuid not null,
  feature text not null references billing.features (key),
  status text not null check (status in ('trial', 'active', 'past_due', 'blocked', 'cancelled')),
  trial_ends_on date,
  -- the paid period: from its first day up to and including the day before period_end
  period_start date,
  period_end date,
  -- renews at period_end until the board cancels in the app (or the provider records a cancellation in writing)
  auto_renew boolean not null default true,
  cancelled_at timestamptz,
  cancelled_by uuid,
  ended_at timestamptz,
  end_reason text check (end_reason in ('cancelled', 'ended_by_operator', 'trial_ended', 'withdrawn')),
  price_ore integer not null check (price_ore >= 0),
  period text not null check (period in ('month', 'year')),
  -- "within 14 days or the term we agreed"
  payment_term_days integer not null default 14 check (payment_term_days between 1 and 90),
  -- the account (operator or board member) who started it
  created_by uuid not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  primary key (association_id, id),
  check (status <> 'trial' or trial_ends_on is not null),
  check (status = 'trial' or status = 'cancelled' or (period_start is not null and period_end > period_start)),
  check ((status = 'cancelled') = (ended_at is not null))
);
-- enableFeature/subscribeToFeature: one open subscription per association and feature (and the entitlements'
-- lookup of an association's open subscriptions)
create unique index subscriptions_one_open on billing.subscriptions (association_id, feature) where status <> 'cancelled';
-- announceFeatureWithdrawal: every association with an open subscription of the feature
create index subscriptions_open_by_feature on billing.subscriptions (feature) where status <> 'cancelled';

-- Who changed what and when: every change to a subscription (and later an invoice), with the row before and after.
create table billing.audit_log (
  association_id uuid not null,
  id uuid not null,
  -- operator or board: the account (and the member, for a board member); system: a sweep
  actor text not null check (actor in ('operator', 'board', 'system')),
  actor_account_id uuid,
  actor_member_id uuid,
  at timestamptz not null default now(),
  action text not null check (length(action) between 1 and 64),
  -- what changed, e.g. 'subscription:<id>'
  subject text not null check (length(subject) between 1 and 200),
  before jsonb,
  after jsonb,
  primary key (association_id, id),
  check (actor = 'system' or actor_account_id is not null)
);
-- Association.billingAudit: an association's entries, newest first
create index audit_log_newest_first on billing.audit_log (association_id, at desc, id desc);

-- The provider's notice that an add-on is withdrawn for everyone on ends_on (at least three months after it was
-- announced). Platform-wide: every association reads it, only system scope writes it.
create table billing.withdrawals (
  id uuid primary key,
  feature text not null unique references billing.features (key),
  ends_on date not null,
  announced_at timestamptz not null default now(),
  announced_by uuid not null,
  -- set by the sweep once every subscription of the feature has ended
  completed_at timestamptz
);

do $$
declare t text;
begin
  foreach t in array array['subscriptions', 'audit_log'] loop
    execute format('alter table billing.%I enable row level security', t);
    execute format('alter table billing.%I force row level security', t);
    execute format('create policy tenant_isolation on billing.%I using (association_id = billing.current_association_id() or billing.in_system_scope())', t);
  end loop;
end $$;

-- The catalogue and the withdrawals hold no association's data: everyone reads them; nobody but the migrations
-- writes the catalogue, and only system scope writes withdrawals.
alter table billing.features enable row level security;
alter table billing.features force row level security;
create policy everyone_reads on billing.features for select using (true);
revoke insert, update, delete, truncate on billing.features from tunet_billing;

alter table billing.withdrawals enable row level security;
alter table billing.withdrawals force row level security;
create policy everyone_reads on billing.withdrawals for select using (true);
create policy system_writes on billing.withdrawals using (billing.in_system_scope());
