-- API keys may also carry charges:read, for the property manager's billing export of reservations charges.
alter table members.api_keys
  drop constraint api_keys_scopes_check,
  add constraint api_keys_scopes_check
    check (cardinality(scopes) >= 1 and scopes <@ array['members:read', 'members:import', 'charges:read']);
