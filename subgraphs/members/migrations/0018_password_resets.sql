-- Password reset by e-mail (decision 0046) uses the one-time links of password_setups (decision 0030): a token stored
-- only as its SHA-256 hash, working once and until it expires. `purpose` keeps the two kinds apart, so an operator's
-- first-password link is no reset link and a reset link sets no operator's first password; asking for a new reset
-- ends the account's earlier unused reset links (password_setups_by_account serves that).
alter table members.password_setups
  add column purpose text not null default 'operator_setup' check (purpose in ('operator_setup', 'reset'));
