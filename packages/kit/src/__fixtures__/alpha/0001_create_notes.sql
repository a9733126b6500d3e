create table alpha.notes (
  association_id uuid not null,
  id int not null,
  body text not null,
  primary key (association_id, id)
);
alter table alpha.notes enable row level security;
alter table alpha.notes force row level security;
create policy tenant_isolation on alpha.notes
  using (association_id = alpha.current_association_id() or alpha.in_system_scope());
