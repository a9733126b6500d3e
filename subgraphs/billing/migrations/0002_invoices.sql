-- Invoices: one per subscription per billed period (docs/decisions/0032, "Invoices and sweeps"). Amounts in øre;
-- dates are calendar dates in the provider's zone (Europe/Oslo); period_end is exclusive, the next period's start.
create table billing.invoices (
  association_id uuid not null,
  id uuid not null,
  subscription_id uuid not null,
  feature text not null references billing.features (key),
  period_start date not null,
  period_end date not null,
  amount_ore integer not null check (amount_ore >= 0),
  issued_on date not null,
  -- issued_on plus the subscription's payment term ("within 14 days or the term we agreed")
  due_on date not null,
  -- the day the money came, as the operator recorded it; paid_at is when they recorded it, paid_by who
  paid_on date,
  paid_at timestamptz,
  paid_by uuid,
  marked_paid_note text check (length(marked_paid_note) <= 500),
  created_at timestamptz not null default now(),
  primary key (association_id, id),
  foreign key (association_id, subscription_id) references billing.subscriptions (association_id, id),
  -- one invoice per subscription per period: a renewal that runs twice cannot bill a period twice
  -- (also serves the unpaid invoices of one subscription, when a payment decides whether it reopens)
  unique (association_id, subscription_id, period_start),
  check (period_end > period_start),
  check (due_on >= issued_on),
  check ((paid_at is null) = (paid_on is null) and (paid_at is null) = (paid_by is null)),
  check (paid_on is null or paid_on >= issued_on)
);

-- Association.invoices: an association's invoices, newest first
create index invoices_newest_first on billing.invoices (association_id, issued_on desc, id desc);
-- the due-date and block sweeps: unpaid invoices by due date, across associations
create index invoices_unpaid_by_due on billing.invoices (due_on) where paid_at is null;

alter table billing.invoices enable row level security;
alter table billing.invoices force row level security;
create policy tenant_isolation on billing.invoices using (association_id = billing.current_association_id() or billing.in_system_scope());

-- The periodic sweeps read every association's subscriptions by what is due: period ends (renewal) and trial ends.
-- renewal sweep: billed subscriptions whose period has ended
create index subscriptions_billed_by_period_end on billing.subscriptions (period_end) where status in ('active', 'past_due', 'blocked');
-- trial-end sweep: trials by their end
create index subscriptions_trials_by_end on billing.subscriptions (trial_ends_on) where status = 'trial';
