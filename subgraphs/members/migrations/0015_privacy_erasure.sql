-- Erasure of a person (GDPR art. 17; docs/decisions/0036). Content other subgraphs keep after erasing its author is
-- attributed to the association's tombstone: a real members row ("Tidligere beboer" / "Former resident") with no
-- account, tenure, seat, title or contact data, so it is in no directory, count or recipient list. One per
-- association, made on first use: two erasures at once both find the same one.
alter table members.members add column tombstone boolean not null default false;
-- privacy/tombstone: the association's tombstone (and the uniqueness that makes its creation safe under concurrency)
create unique index members_one_tombstone on members.members (association_id) where tombstone;

-- Records of the agreement outlive the person who filed them: erasure removes the link to their account.
alter table members.terminations alter column requested_by drop not null;
alter table members.terms_acceptances alter column recorded_by_account_id drop not null;
